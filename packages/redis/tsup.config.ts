import { defineConfig, type Options } from 'tsup'

import { packageBuild } from '../../tsup.shared.js'

export default defineConfig(packageBuild) as Options

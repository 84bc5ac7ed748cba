// Saves text as a file through a temporary object URL.

/** Offers `text` for download as `fileName`. */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  // The click has started the download synchronously; the URL is no longer needed.
  setTimeout(() => {
    URL.revokeObjectURL(url)
  }, 0)
}

/**
 * Shrinks a chosen picture on the device to a small JPEG data URL: only this
 * leaves the file picker, never the full-size photo.
 * @param square crop to the centre square (avatars) instead of keeping the aspect ratio.
 * @throws Error when the file is not a readable image.
 */
export async function shrinkImage(file: Blob, maxPx: number, square: boolean): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const side = Math.min(bitmap.width, bitmap.height);
  const [sx, sy, sw, sh] = square ? [(bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side] : [0, 0, bitmap.width, bitmap.height];
  const scale = Math.min(1, maxPx / Math.max(sw, sh));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(sw * scale);
  canvas.height = Math.round(sh * scale);
  canvas.getContext('2d')!.drawImage(bitmap, sx, sy, sw, sh, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.toDataURL('image/jpeg', 0.8);
}

import { readFileSync, realpathSync } from 'node:fs';

/**
 * File systems whose fsync of a newly created file also makes its new directory entry durable, so that no fsync of
 * the directory is needed for it:
 * - ext4: with a journal, the file's fsync commits the transaction that holds its creation (entry and inode in one
 *   handle); without one, ext4_add_entry marks the inode EXT4_STATE_NEWENTRY and ext4_sync_file writes the parent
 *   directory (ext4_sync_parent) before its one cache flush;
 * - xfs: the fsync forces the log up to the inode's last change, which holds the create.
 * Only for a file with one name: a hard link (two names) is not covered, its directory is fsynced.
 */
const COVERED = new Set(['ext4', 'xfs']);

/** The file system type of the mount holding `path`, from /proc/self/mountinfo (Linux); undefined elsewhere. */
export function fileSystemType(path: string): string | undefined {
  try {
    return mountType(readFileSync('/proc/self/mountinfo', 'utf8'), realpathSync(path));
  } catch {
    return undefined;
  }
}

/** The type of the deepest mount in `mountinfo` (proc(5) format) holding the absolute, real `path`. */
export function mountType(mountinfo: string, path: string): string | undefined {
  let best: { point: string; type: string } | undefined;
  for (const line of mountinfo.split('\n')) {
    // id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions
    const [left, right] = line.split(' - ');
    if (!right) continue;
    const point = unescape(left.split(' ')[4] ?? '');
    const type = right.split(' ')[0];
    const inside = point === '/' || path === point || path.startsWith(point + '/');
    if (inside && (!best || point.length >= best.point.length)) best = { point, type };
  }
  return best?.type;
}

export function fsyncCoversNewEntry(path: string): boolean {
  const type = fileSystemType(path);
  return type !== undefined && COVERED.has(type);
}

/** mountinfo writes space, tab, newline and backslash as octal escapes */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

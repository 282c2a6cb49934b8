using System.Runtime.InteropServices;

namespace ControlRL.Core.Checkpoints;

/// <summary>
/// fsync for files and directories. A rename is only durable once the directory holding it is synced, and a file's
/// bytes only once the file is (POSIX; ext4 with data=ordered usually survives without, other file systems and
/// power loss do not). .NET syncs files (<see cref="FileStream.Flush(bool)"/>) but has no directory sync, so this
/// calls libc's open/fsync on Linux and macOS; elsewhere directory sync is skipped (Windows has no equivalent).
/// </summary>
public static partial class Durable
{
    /// <summary>Flushes <paramref name="path"/>'s bytes to the disk.</summary>
    public static void SyncFile(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        fs.Flush(flushToDisk: true);
    }

    /// <summary>Flushes a directory's entries (creations, renames, deletions) to the disk.</summary>
    public static void SyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        int fd = Open(path, OperatingSystem.IsLinux() ? LinuxDirectoryFlags : 0);
        if (fd < 0) throw new IOException($"Cannot open directory '{path}' to sync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                // EINVAL: the file system cannot sync directories (some network and FUSE mounts); nothing to do.
                if (errno != EINVAL) throw new IOException($"fsync of directory '{path}' failed (errno {errno}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Syncs every file under <paramref name="directory"/>, then the directory itself (and its subdirectories).</summary>
    public static void SyncTree(string directory)
    {
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)) SyncFile(file);
        foreach (string dir in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories)) SyncDirectory(dir);
        SyncDirectory(directory);
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> and syncs it.</summary>
    public static void WriteAllText(string path, string text)
    {
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        var bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
        fs.Write(bytes);
        fs.Flush(flushToDisk: true);
    }

    private const int LinuxDirectoryFlags = 0x10000; // O_RDONLY | O_DIRECTORY
    private const int EINVAL = 22;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

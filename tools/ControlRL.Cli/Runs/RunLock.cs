using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ControlRL.Cli.Runs;

/// <summary>
/// One writer per run folder: <c>run.lock</c> holds an exclusive flock(2) while a train command writes the run,
/// and names its holder (pid, host, start time). The kernel drops the lock when the holder dies (kill -9, power
/// loss), so a lock file whose lock is free but whose text names a holder is stale: it is taken over with a note.
/// A clean exit empties the file. The lock is advisory (other programs may ignore it) and, as flock, is not
/// reliable on some network file systems. Raw libc calls, because .NET's own file sharing also locks readers out,
/// and the holder's name must stay readable.
/// </summary>
public sealed partial class RunLock : IDisposable
{
    public const string FileName = "run.lock";

    private int _fd;

    private RunLock(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    public string Path { get; }

    /// <summary>
    /// Takes the lock of <paramref name="runRoot"/> or throws <see cref="CliUsageException"/> naming the holder.
    /// <paramref name="log"/> hears about a stale lock that was taken over.
    /// </summary>
    public static RunLock Acquire(string runRoot, TextWriter? log = null)
    {
        string path = System.IO.Path.Combine(runRoot, FileName);
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return new RunLock(-1, path); // No flock: the run is unguarded (documented in docs/cli.md).
        int flags = OperatingSystem.IsLinux() ? LinuxCreateReadWrite : MacCreateReadWrite;
        int fd = Open(path, flags, Convert.ToInt32("644", 8));
        if (fd < 0) throw new CliUsageException($"cannot open '{path}' to lock the run folder (errno {Marshal.GetLastPInvokeError()}).");
        string previous = ReadAll(fd);
        if (Flock(fd, LockExclusive | LockNonBlocking) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            _ = Close(fd);
            string who = Describe(previous);
            throw new CliUsageException(errno is EAGAIN or MacEWOULDBLOCK
                ? $"run folder '{runRoot}' is in use by another controlrl ({who}); wait for it to finish, or stop it (Ctrl+C or kill -TERM writes a checkpoint) before resuming."
                : $"cannot lock '{path}' (errno {errno}).");
        }
        previous = ReadAll(fd); // the holder may have released it between the two reads
        if (previous.Trim().Length > 0)
            log?.WriteLine($"note: '{path}' named a holder that is gone ({Describe(previous)}); it was stale and is taken over.");
        string text = string.Create(CultureInfo.InvariantCulture,
            $"pid={Environment.ProcessId}\nhost={Environment.MachineName}\nstarted={DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n");
        Overwrite(fd, text);
        return new RunLock(fd, path);
    }

    /// <summary>The holder named in a lock file's text ("pid 123 on host, since ...").</summary>
    public static string Describe(string text)
    {
        var kv = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
        if (!kv.TryGetValue("pid", out var pid)) return "holder unknown";
        string host = kv.TryGetValue("host", out var h) ? $" on {h}" : "";
        string since = kv.TryGetValue("started", out var s) ? $", since {s}" : "";
        return $"pid {pid}{host}{since}";
    }

    public void Dispose()
    {
        if (_fd < 0) return;
        // Emptied, not deleted: deleting would let a process that opened the old file lock a name nobody sees.
        Overwrite(_fd, "");
        _ = Flock(_fd, LockUnlock);
        _ = Close(_fd);
        _fd = -1;
    }

    private static unsafe string ReadAll(int fd)
    {
        var buf = new byte[4096];
        long n;
        fixed (byte* p = buf) n = PRead(fd, p, (nuint)buf.Length, 0);
        return n > 0 ? Encoding.UTF8.GetString(buf, 0, (int)n) : "";
    }

    private static unsafe void Overwrite(int fd, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        _ = FTruncate(fd, 0);
        if (bytes.Length == 0) return;
        fixed (byte* p = bytes) _ = PWrite(fd, p, (nuint)bytes.Length, 0);
    }

    private const int LinuxCreateReadWrite = 0x2 | 0x40; // O_RDWR | O_CREAT
    private const int MacCreateReadWrite = 0x2 | 0x200;
    private const int LockExclusive = 2, LockNonBlocking = 4, LockUnlock = 8;
    private const int EAGAIN = 11, MacEWOULDBLOCK = 35; // EWOULDBLOCK is EAGAIN on Linux

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FTruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial long PRead(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static unsafe partial long PWrite(int fd, byte* buffer, nuint count, long offset);
}

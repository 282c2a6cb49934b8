namespace ControlRL.Core.Checkpoints;

/// <summary>
/// Replaces a directory as a whole: the content is written into a sibling temp directory, then swapped in by
/// renames (old directory moved aside, new one moved in, old one deleted). A crash or an exception while writing
/// leaves the previous directory untouched; a crash between the two renames leaves no directory under the final
/// name and the previous one beside it, which <see cref="Recover"/> (also run by <see cref="Write"/>) puts back.
/// Every written file and directory is synced before the swap, and the parent after it, so a power loss never
/// shows the new name with missing bytes.
/// </summary>
public static class AtomicDirectory
{
    private const string TempTag = ".tmp-";
    private const string OldTag = ".old-";

    public static void Write(string finalDir, Action<string> writeInto)
    {
        ArgumentException.ThrowIfNullOrEmpty(finalDir);
        ArgumentNullException.ThrowIfNull(writeInto);
        string final = Path.GetFullPath(finalDir.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        string parent = Path.GetDirectoryName(final) ?? throw new ArgumentException($"'{finalDir}' has no parent directory.");
        string name = Path.GetFileName(final);
        Directory.CreateDirectory(parent);
        Recover(final);

        string tmp = Path.Combine(parent, $".{name}{TempTag}{Guid.NewGuid():N}");
        Directory.CreateDirectory(tmp);
        try
        {
            writeInto(tmp);
            Durable.SyncTree(tmp);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }

        if (!Directory.Exists(final))
        {
            Directory.Move(tmp, final);
            Durable.SyncDirectory(parent);
            return;
        }
        string old = Path.Combine(parent, $".{name}{OldTag}{Guid.NewGuid():N}");
        Directory.Move(final, old);
        try
        {
            Directory.Move(tmp, final);
        }
        catch
        {
            Directory.Move(old, final);
            TryDelete(tmp);
            throw;
        }
        Durable.SyncDirectory(parent);
        TryDelete(old);
    }

    /// <summary>
    /// Cleans up after a crash: puts a moved-aside previous directory back when the final one is missing, and
    /// deletes leftover temp and old directories.
    /// </summary>
    public static void Recover(string finalDir)
    {
        string final = Path.GetFullPath(finalDir.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        string? parent = Path.GetDirectoryName(final);
        if (parent is null || !Directory.Exists(parent)) return;
        string name = Path.GetFileName(final);
        var olds = Directory.GetDirectories(parent, $".{name}{OldTag}*")
            .OrderByDescending(Directory.GetLastWriteTimeUtc).ToList();
        if (!Directory.Exists(final) && olds.Count > 0)
        {
            Directory.Move(olds[0], final);
            olds.RemoveAt(0);
        }
        foreach (string o in olds) TryDelete(o);
        foreach (string t in Directory.GetDirectories(parent, $".{name}{TempTag}*")) TryDelete(t);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover is cleaned by the next Recover.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

using ControlRL.Core.Checkpoints;
using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Leaderboard;

/// <summary>
/// Writes a results file in the leaderboard's layout (<c>json.dump(data, fd, indent=4)</c>, leaderboard/utils/
/// checkpoint_tools.py) atomically: the text goes to a temp file beside the target, is synced, renamed over the
/// target and the folder synced, so a crash leaves the previous file or the new one, never half of one (the
/// leaderboard itself truncates and rewrites in place).
/// </summary>
public static class ResultsWriter
{
    /// <summary>The file's text exactly as Python's json.dump with indent=4 writes it (no final line break).</summary>
    public static string Serialize(LeaderboardResults results) => PyJson.Serialize(results.ToJson(), 4);

    public static void Write(string path, LeaderboardResults results) => WriteAtomically(path, Serialize(results));

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> through a synced temp file and a rename.</summary>
    public static void WriteAtomically(string path, string text)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        try
        {
            Durable.WriteAllText(tmp, text);
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
        Durable.SyncDirectory(dir);
    }
}

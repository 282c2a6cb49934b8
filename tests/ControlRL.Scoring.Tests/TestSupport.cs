namespace ControlRL.Scoring.Tests;

/// <summary>A temporary folder removed at the end of a test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "controlrl-scoring-" + Guid.NewGuid().ToString("N")[..12]);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// Real CARLA Leaderboard 2.0 results files with their published global records (Bench2Drive runs), read from the
/// shared data folder beside the checkout (shared/data/carla-lb2-real), found by walking up from the test binaries.
/// </summary>
public static class SharedData
{
    public static string CarlaRealDirectory { get; } = Find(Path.Combine("shared", "data", "carla-lb2-real"));

    /// <summary>The results files that have an X.expected.json beside them.</summary>
    public static IEnumerable<string> CarlaRealResults() =>
        Directory.EnumerateFiles(CarlaRealDirectory, "*.json")
            .Where(f => !f.EndsWith(".expected.json", StringComparison.Ordinal))
            .Where(f => File.Exists(ExpectedOf(f)))
            .Order(StringComparer.Ordinal);

    public static string ExpectedOf(string results) => Path.ChangeExtension(results, null) + ".expected.json";

    public static string CarlaReal(string name) => Path.Combine(CarlaRealDirectory, name);

    private static string Find(string relative)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, relative);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"{relative} not found in any folder above {AppContext.BaseDirectory}; the real-results tests need it.");
    }
}

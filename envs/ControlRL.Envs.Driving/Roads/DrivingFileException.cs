namespace ControlRL.Envs.Driving.Roads;

/// <summary>
/// A town or suite file that cannot be used: names the file, the place inside it as a JSON path
/// (<c>lanes[12].successors[1]</c>; empty for the whole file) and the problem, e.g.
/// <c>towns/Town03.json: lanes[12].successors[1]: lane 999 does not exist</c>.
/// </summary>
public sealed class DrivingFileException : FormatException
{
    public DrivingFileException(string filePath, string location, string problem, Exception? inner = null)
        : base(Compose(filePath, location, problem), inner)
    {
        FilePath = filePath;
        Location = location;
        Problem = problem;
    }

    public string FilePath { get; }

    /// <summary>JSON-path-like place in the file (empty when the problem concerns the whole file).</summary>
    public string Location { get; }

    public string Problem { get; }

    private static string Compose(string filePath, string location, string problem) =>
        string.IsNullOrEmpty(location) ? $"{filePath}: {problem}" : $"{filePath}: {location}: {problem}";
}

namespace ControlRL.Scoring;

/// <summary>
/// A results file that cannot be used, with where and what: "results.json: _checkpoint.records[3].scores.score_route:
/// expected a finite number >= 0, got the string \"abc\"". One line; no stack trace is needed to act on it.
/// </summary>
public sealed class ScoringFormatException(string file, string jsonPath, string problem)
    : Exception(jsonPath.Length > 0 ? $"{file}: {jsonPath}: {problem}" : $"{file}: {problem}")
{
    /// <summary>The file (or the name a caller gave its text).</summary>
    public string File { get; } = file;

    /// <summary>Where in the JSON ("" for the file as a whole), e.g. <c>_checkpoint.records[3].scores.score_route</c>.</summary>
    public string JsonPath { get; } = jsonPath;

    public string Problem { get; } = problem;
}

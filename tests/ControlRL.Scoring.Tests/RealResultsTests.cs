using ControlRL.Scoring.Leaderboard;
using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Tests;

/// <summary>
/// The central check: the global record recomputed from each real results file (Bench2Drive runs of the CARLA
/// Leaderboard 2.0) equals the published one, value for value and int/float kind for kind.
/// </summary>
public class RealResultsTests
{
    public static TheoryData<string> Files() => [.. SharedData.CarlaRealResults().Select(f => Path.GetFileName(f))];

    [Fact]
    public void AllFourRealFilesAreThere() => Assert.Equal(4, Files().Count);

    [Theory]
    [MemberData(nameof(Files))]
    public void TheRecomputedGlobalRecordIsThePublishedOne(string name)
    {
        string path = SharedData.CarlaReal(name);
        var results = ResultsReader.Read(path);
        var expected = PyJson.Parse(File.ReadAllText(SharedData.ExpectedOf(path)));
        var actual = results.ComputeGlobal().ToJson();
        Assert.True(PyJson.DeepEquals(expected, actual),
            $"{name}: differs at '{PyJson.Difference(expected, actual, "")}'\nexpected {PyJson.Serialize(expected)}\nactual {PyJson.Serialize(actual)}");
        // The text, too, is what Python's json.dumps(indent=4) gives for the published record.
        Assert.Equal(File.ReadAllText(SharedData.ExpectedOf(path)).TrimEnd(), PyJson.Serialize(actual));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void RewritingAFileKeepsEveryValueAndExtraField(string name)
    {
        string path = SharedData.CarlaReal(name);
        var original = PyJson.Parse(File.ReadAllText(path));
        var results = ResultsReader.Read(path);
        var rewritten = PyJson.Parse(ResultsWriter.Serialize(results));
        Assert.True(PyJson.DeepEquals(original, rewritten), $"{name}: differs at '{PyJson.Difference(original, rewritten, "")}'");
        Assert.Contains(results.Records[0].Extra, e => e.Key == "town_name");
    }

    [Fact]
    public void TheMergedRunHasItsPublishedStatusesAndEntryStatus()
    {
        var results = ResultsReader.Read(SharedData.CarlaReal("b2d-220-routes-merged.json"));
        var global = results.ComputeGlobal();
        Assert.Equal(211, results.Records.Count);
        Assert.Equal("Failed", global.Status);
        Assert.Equal(19, global.Exceptions.Count);
        // compute_global_statistics' entry status rule gives what the file says (9 simulation crashes).
        Assert.Equal(results.EntryStatus, GlobalScoring.EntryStatus(results.Records));
        Assert.Equal("Crashed", results.EntryStatus);
        Assert.False(results.Eligible);
    }
}

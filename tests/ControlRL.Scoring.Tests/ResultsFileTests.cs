using ControlRL.Scoring.Leaderboard;
using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Tests;

public class ResultsFileTests
{
    private static string RealText => File.ReadAllText(SharedData.CarlaReal("real-b2d-tfv6-24041.json"));

    /// <summary>The real one-route file with one change, as text.</summary>
    private static string Mutated(Action<PyJsonObject> change)
    {
        var root = (PyJsonObject)PyJson.Parse(RealText);
        change(root);
        return PyJson.Serialize(root);
    }

    private static PyJsonObject Cp(PyJsonObject root) => (PyJsonObject)root["_checkpoint"]!;

    private static PyJsonObject Rec(PyJsonObject root, int i = 0) => (PyJsonObject)((PyJsonArray)Cp(root)["records"]!).Items[i];

    private static PyJsonObject Sub(PyJsonObject o, string key) => (PyJsonObject)o[key]!;

    private static void AssertError(string text, params string[] expected)
    {
        var ex = Assert.Throws<ScoringFormatException>(() => ResultsReader.Parse(text, "results.json"));
        Assert.StartsWith("results.json: ", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        foreach (string e in expected) Assert.Contains(e, ex.Message);
    }

    [Fact]
    public void NotJson() => AssertError("{\"_checkpoint\": {", "not valid JSON", "line 1");

    [Fact]
    public void NaNIsNotJson() => AssertError(RealText.Replace("\"score_route\": 89.97", "\"score_route\": NaN"), "not valid JSON", "NaN");

    [Fact]
    public void NotAnObject() => AssertError("[1, 2]", "results.json: expected an object, got a list");

    [Fact]
    public void MissingCheckpoint() => AssertError(Mutated(r => r.Set("x", PyJsonNull.Instance)).Replace("\"_checkpoint\"", "\"_checkpoints\""),
        "results.json: _checkpoint: missing (expected an object)");

    [Fact]
    public void MissingTopLevelKey() => AssertError(RealText.Replace("\"eligible\": true,", ""), "results.json: eligible: missing (expected true or false)");

    [Fact]
    public void StringScore() => AssertError(Mutated(r => Sub(Rec(r), "scores").Set("score_route", new PyJsonString("abc"))),
        "results.json: _checkpoint.records[0].scores.score_route: expected a finite number >= 0, got the string \"abc\"");

    [Fact]
    public void NegativeLength() => AssertError(Mutated(r => Sub(Rec(r), "meta").Set("route_length", new PyJsonNumber(PyNumber.Float(-5)))),
        "_checkpoint.records[0].meta.route_length: expected a finite number >= 0, got the float -5.0");

    [Fact]
    public void MissingDuration() => AssertError(RealText.Replace("\"duration_game\": 130.4,", ""),
        "_checkpoint.records[0].meta.duration_game: missing (expected a number)");

    [Fact]
    public void UnknownInfractionKey() => AssertError(Mutated(r => Sub(Rec(r), "infractions").Set("collisions_bicycle", new PyJsonArray())),
        "_checkpoint.records[0].infractions.collisions_bicycle: unknown infraction key 'collisions_bicycle' (expected one of: collisions_layout,");

    [Fact]
    public void MissingInfractionKey() => AssertError(RealText.Replace("\"red_light\": [],", ""),
        "_checkpoint.records[0].infractions.red_light: missing (expected a list of strings)");

    [Fact]
    public void MessageThatIsNoString() => AssertError(Mutated(r => Sub(Rec(r), "infractions").Set("red_light", new PyJsonArray([new PyJsonNumber(PyNumber.Int(1))]))),
        "_checkpoint.records[0].infractions.red_light[0]: expected a string, got the integer 1");

    [Fact]
    public void OutsideLanesMessageWithoutMetres() => AssertError(RealText.Replace("for about 7.082 meters", "for about seven meters"),
        "_checkpoint.records[0].infractions.outside_route_lanes[0]: expected 'Agent went outside its route lanes for about <metres> meters");

    [Fact]
    public void UnknownScoreKey() => AssertError(Mutated(r => Sub(Rec(r), "scores").Set("score_bonus", new PyJsonNumber(PyNumber.Int(1)))),
        "_checkpoint.records[0].scores.score_bonus: unknown key");

    [Theory]
    [InlineData("[1]", "_checkpoint.progress: expected two integers [routes started, routes of the run], got a list of 1")]
    [InlineData("[2, 1]", "_checkpoint.progress: routes started (2) exceed the routes of the run (1)")]
    [InlineData("[0, 0]", "_checkpoint.progress[1]: expected an integer from 1 to")]
    [InlineData("[\"1\", 1]", "_checkpoint.progress[0]: expected an integer from 0 to 2147483647, got the string \"1\"")]
    [InlineData("[1, 1.0]", "_checkpoint.progress[1]: expected an integer from 1 to 2147483647, got the float 1.0")]
    public void BadProgress(string progress, string expected) =>
        AssertError(Mutated(r => Cp(r).Set("progress", PyJson.Parse(progress))), expected);

    [Fact]
    public void MoreRecordsThanRoutes() => AssertError(Mutated(r =>
    {
        var records = (PyJsonArray)Cp(r)["records"]!;
        records.Items.Add(PyJson.Parse(PyJson.Serialize(records.Items[0])));
    }), "_checkpoint.records: 2 records but progress says the run has 1 routes");

    [Fact]
    public void MoreRecordsThanRoutesStarted() => AssertError(Mutated(r =>
    {
        Cp(r).Set("progress", PyJson.Parse("[0, 5]"));
        var records = (PyJsonArray)Cp(r)["records"]!;
        records.Items.Add(PyJson.Parse(PyJson.Serialize(records.Items[0])));
    }), "_checkpoint.records: 2 records but progress says only 0 routes were started");

    [Fact]
    public void RepeatedIndex() => AssertError(Mutated(r =>
    {
        Cp(r).Set("progress", PyJson.Parse("[2, 2]"));
        var records = (PyJsonArray)Cp(r)["records"]!;
        records.Items.Add(PyJson.Parse(PyJson.Serialize(records.Items[0])));
    }), "_checkpoint.records[1].index: index 0 repeats that of _checkpoint.records[0]");

    [Fact]
    public void IndexBeyondTheRun() => AssertError(Mutated(r => Rec(r).Set("index", new PyJsonNumber(PyNumber.Int(1)))),
        "_checkpoint.records[0].index: expected an integer from 0 to 0, got the integer 1");

    [Fact]
    public void UnknownEntryStatus() => AssertError(RealText.Replace("\"entry_status\": \"Finished\"", "\"entry_status\": \"Done\""),
        "entry_status: expected one of Started, Finished, Rejected, Crashed, Invalid, got \"Done\"");

    [Fact]
    public void RecordThatIsNoObject() => AssertError(Mutated(r => ((PyJsonArray)Cp(r)["records"]!).Items[0] = new PyJsonString("x")),
        "_checkpoint.records[0]: expected an object, got the string \"x\"");

    [Fact]
    public void UnreadableFile()
    {
        using var tmp = new TempDir();
        var ex = Assert.Throws<ScoringFormatException>(() => ResultsReader.Read(tmp.File("missing.json")));
        Assert.Contains("missing.json: cannot be read", ex.Message);
    }

    [Fact]
    public void UnknownFieldsSurviveARewrite()
    {
        string text = Mutated(r =>
        {
            r.Set("team", new PyJsonString("ours"));
            Cp(r).Set("note", new PyJsonNumber(PyNumber.Float(1.5)));
            Rec(r).Set("custom", PyJson.Parse("{\"a\": [1, 2.0]}"));
        });
        var results = ResultsReader.Parse(text, "x");
        var back = PyJson.Parse(ResultsWriter.Serialize(results));
        Assert.True(PyJson.DeepEquals(PyJson.Parse(text), back), PyJson.Difference(PyJson.Parse(text), back, ""));
    }

    [Fact]
    public void MarkdownTableHasEveryRouteAndTheGlobalRow()
    {
        var results = ResultsReader.Read(SharedData.CarlaReal("real-b2d-pdmlite-3564.json"));
        string md = MarkdownReport.Format(results, results.ComputeGlobal());
        var lines = md.Split('\n');
        Assert.Equal("| # | route | status | RC | IS | DS | infractions |", lines[0]);
        Assert.Equal("| 0 | RouteScenario_3564_rep0 | Failed - TickRuntime | 51.01 | 0.275 | 14.01 | collisions_layout 3, min_speed_infractions 8 |", lines[2]);
        Assert.StartsWith("| | **all 1 routes** | **Failed** | **51.01** ± 0.00 | **0.275** ± 0.000 | **14.01** ± 0.00 |", lines[3]);
        Assert.Contains("collisions_layout 57.623", md);
        Assert.Contains("Failed routes (1): RouteScenario_3564_rep0 (Failed - TickRuntime)", md);
    }
}

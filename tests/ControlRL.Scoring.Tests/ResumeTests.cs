using ControlRL.Scoring.Leaderboard;
using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Tests;

public class ResumeTests
{
    private static readonly string[] Routes = [.. Enumerable.Range(0, 5).Select(i => $"RouteScenario_{100 + i}_rep0")];
    private static readonly string[] Sensors = ["carla_camera", "carla_imu"];

    private static RouteRecord Route(int i, RouteFailure failure = RouteFailure.None) => RouteScoring.Compute(new RouteFacts
    {
        RouteId = Routes[i],
        Index = i,
        RouteLength = 100 + 37.123456 * i,
        RouteCompletion = failure == RouteFailure.None ? 100 : 12.3456,
        TargetReached = failure == RouteFailure.None && i % 2 == 0,
        Failure = failure,
        Infractions = i == 3 ? [Infraction.Collision("vehicle.x", 7, 1.5, 2.25, 0.1)!, Infraction.MinSpeed(61.237)] : [],
        DurationGame = 10.1 * i,
        DurationSystem = 20.7 * i,
        TownName = "Town12",
    });

    private static string Uninterrupted(TempDir tmp)
    {
        string path = tmp.File("uninterrupted.json");
        var run = ResultsCheckpoint.Open(path, Routes, resume: false, Sensors);
        for (int i = 0; i < Routes.Length; i++) run.Add(Route(i));
        run.Finish();
        Assert.Null(run.InvalidReason);
        return File.ReadAllText(path);
    }

    [Fact]
    public void AResumedRunWritesTheSameFileAsAnUninterruptedOne()
    {
        using var tmp = new TempDir();
        string path = tmp.File("results.json");
        var first = ResultsCheckpoint.Open(path, Routes, resume: true, Sensors);
        Assert.Contains("no file", first.ResumeNote);
        first.Add(Route(0));
        first.Add(Route(1));
        // The process dies here; the file holds two records and progress [2, 5].
        var partial = ResultsReader.Read(path);
        Assert.Equal((2, 5, 2, "Started", false), (partial.ProgressDone, partial.ProgressTotal, partial.Records.Count, partial.EntryStatus, partial.Eligible));
        Assert.Equal(0, partial.GlobalRecord.Count);

        var resumed = ResultsCheckpoint.Open(path, Routes, resume: true, Sensors);
        Assert.Null(resumed.ResumeNote);
        Assert.Equal(2, resumed.NextIndex);
        for (int i = resumed.NextIndex; i < Routes.Length; i++) resumed.Add(Route(i));
        var global = resumed.Finish();

        Assert.Equal(Uninterrupted(tmp), File.ReadAllText(path));
        var done = ResultsReader.Read(path);
        Assert.Equal(("Finished", true, 5), (done.EntryStatus, done.Eligible, done.Records.Count));
        Assert.True(PyJson.DeepEquals(global.ToJson(), done.GlobalRecord));
        Assert.True(PyJson.DeepEquals(done.GlobalRecord, done.ComputeGlobal().ToJson()));   // write, read, recompute: the same
        Assert.Equal(global.Values(), done.Values);
        Assert.Equal(GlobalRecord.Labels, done.Labels);
    }

    [Fact]
    public void ACrashedRouteIsRunAgainOnResume()
    {
        using var tmp = new TempDir();
        string path = tmp.File("results.json");
        var run = ResultsCheckpoint.Open(path, Routes, resume: false, Sensors);
        run.Add(Route(0));
        run.Add(Route(1));
        run.Add(Route(2, RouteFailure.SimulationCrashed));   // the evaluator stops after a simulation crash
        var crashed = ResultsReader.Read(path);
        Assert.Equal(("Crashed", 3), (crashed.EntryStatus, crashed.ProgressDone));
        Assert.Equal("Failed - Simulation crashed", crashed.Records[2].Status);

        var resumed = ResultsCheckpoint.Open(path, Routes, resume: true, Sensors);
        Assert.Equal(2, resumed.NextIndex);                   // route 2 again
        Assert.Equal(3, resumed.Results.Records.Count);        // its old record stays until replaced
        Assert.Equal(2, ResultsReader.Read(path).ProgressDone);
        for (int i = resumed.NextIndex; i < Routes.Length; i++) resumed.Add(Route(i));
        resumed.Finish();
        Assert.Equal(Uninterrupted(tmp), File.ReadAllText(path));
    }

    [Fact]
    public void FilesOfAnotherRunAreNotResumed()
    {
        using var tmp = new TempDir();
        string path = tmp.File("results.json");
        var run = ResultsCheckpoint.Open(path, Routes, resume: false, Sensors);
        run.Add(Route(0));

        var other = ResultsCheckpoint.Open(path, Routes[..4], resume: true, Sensors);
        Assert.Equal("it is a run of 5 routes, not 4", other.ResumeNote);
        Assert.Equal(0, other.NextIndex);
        Assert.Empty(ResultsReader.Read(path).Records);        // started over, as the leaderboard does

        ResultsCheckpoint.Open(path, Routes, resume: false, Sensors).Add(Route(0));
        string[] renamed = [.. Routes];
        renamed[0] = "RouteScenario_999_rep0";
        var mismatch = ResultsCheckpoint.Open(path, renamed, resume: true, Sensors);
        Assert.Equal("its route 0 is RouteScenario_100_rep0, not RouteScenario_999_rep0", mismatch.ResumeNote);

        var invalid = ResultsReader.Read(path);
        invalid.EntryStatus = "Invalid";
        ResultsWriter.Write(path, invalid);
        Assert.Equal("its entry_status is 'Invalid'", ResultsCheckpoint.Open(path, renamed, resume: true, Sensors).ResumeNote);
    }

    [Fact]
    public void ProgressAheadOfTheRecordsBacksOffOneRoute()
    {
        using var tmp = new TempDir();
        string path = tmp.File("results.json");
        var run = ResultsCheckpoint.Open(path, Routes, resume: false, Sensors);
        run.Add(Route(0));
        run.Add(Route(1));
        var file = ResultsReader.Read(path);
        file.ProgressDone = 3;   // a route started whose record never got written
        ResultsWriter.Write(path, file);
        // route_indexer.validate_and_resume's patch: resume at (first missing record) - 1.
        Assert.Equal(1, ResultsCheckpoint.Open(path, Routes, resume: true, Sensors).NextIndex);
    }

    [Fact]
    public void AMalformedFileIsNeverOverwritten()
    {
        using var tmp = new TempDir();
        string path = tmp.File("results.json");
        File.WriteAllText(path, "{\"_checkpoint\": ");
        Assert.Throws<ScoringFormatException>(() => ResultsCheckpoint.Open(path, Routes, resume: true, Sensors));
        Assert.Equal("{\"_checkpoint\": ", File.ReadAllText(path));
    }

    [Fact]
    public void FinishingEarlyMarksTheEntryInvalid()
    {
        using var tmp = new TempDir();
        string path = tmp.File("results.json");
        var run = ResultsCheckpoint.Open(path, Routes, resume: false, Sensors);
        run.Add(Route(0));
        run.Finish();
        Assert.Equal("'progress' data doesn't match its expected value", run.InvalidReason);
        Assert.Equal(("Invalid", false), (ResultsReader.Read(path).EntryStatus, ResultsReader.Read(path).Eligible));

        var noSensors = ResultsCheckpoint.Open(tmp.File("b.json"), Routes[..1], resume: false, sensors: []);
        noSensors.Add(Route(0));
        noSensors.Finish();
        Assert.Equal("Missing 'sensors' data", noSensors.InvalidReason);
    }

    [Fact]
    public void RecordsMustComeInRouteOrder()
    {
        using var tmp = new TempDir();
        var run = ResultsCheckpoint.Open(tmp.File("r.json"), Routes, resume: false, Sensors);
        Assert.Throws<ArgumentException>(() => run.Add(Route(1)));
        run.Add(Route(0));
        Assert.Throws<ArgumentException>(() => run.Add(Route(0)));
    }

    [Fact]
    public void WritesLeaveNoTempFilesAndTheLeaderboardsLayout()
    {
        using var tmp = new TempDir();
        Uninterrupted(tmp);
        Assert.Equal(["uninterrupted.json"], Directory.GetFiles(tmp.Path).Select(Path.GetFileName));
        string text = File.ReadAllText(tmp.File("uninterrupted.json"));
        Assert.StartsWith("{\n    \"_checkpoint\": {\n        \"global_record\": {\n            \"index\": -1,", text);
        Assert.EndsWith("\"Min speed infractions\"\n    ]\n}", text);
    }
}

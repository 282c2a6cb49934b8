using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Leaderboard;

/// <summary>
/// A CARLA Leaderboard 2.0 results file (statistics_manager.py, Results and Checkpoint):
/// <c>{"_checkpoint": {"global_record", "progress", "records"}, "entry_status", "eligible", "sensors", "values",
/// "labels"}</c>. Read with <see cref="ResultsReader"/>, written with <see cref="ResultsWriter"/>; keys the
/// leaderboard does not write are kept (<see cref="Extra"/>, <see cref="CheckpointExtra"/>, a record's Extra).
/// </summary>
public sealed class LeaderboardResults
{
    /// <summary>The stored global record as it is in the file: <c>{}</c> until the run finished.</summary>
    public PyJsonObject GlobalRecord { get; set; } = new();

    /// <summary>progress[0]: routes started (the route indexer's position); progress[1]: routes of the run.</summary>
    public int ProgressDone { get; set; }

    public int ProgressTotal { get; set; }

    public List<RouteRecord> Records { get; init; } = [];

    /// <summary>Started, Finished, Rejected, Crashed or Invalid (<see cref="GlobalScoring.EntryStatuses"/>).</summary>
    public string EntryStatus { get; set; } = "Started";

    public bool Eligible { get; set; }

    public List<string> Sensors { get; init; } = [];

    public List<string> Values { get; set; } = [];

    public List<string> Labels { get; set; } = [];

    /// <summary>Top-level keys other than the leaderboard's, in file order.</summary>
    public List<KeyValuePair<string, PyJsonValue>> Extra { get; init; } = [];

    /// <summary>Keys of <c>_checkpoint</c> other than global_record, progress and records.</summary>
    public List<KeyValuePair<string, PyJsonValue>> CheckpointExtra { get; init; } = [];

    /// <summary>Recomputes the global record from the records and progress[1] (what <c>controlrl score</c> prints).</summary>
    public GlobalRecord ComputeGlobal() => GlobalScoring.Compute(Records, ProgressTotal);

    public PyJsonObject ToJson()
    {
        var checkpoint = new PyJsonObject()
            .Set("global_record", GlobalRecord)
            .Set("progress", new PyJsonArray([new PyJsonNumber(PyNumber.Int(ProgressDone)), new PyJsonNumber(PyNumber.Int(ProgressTotal))]))
            .Set("records", new PyJsonArray(Records.Select(r => (PyJsonValue)r.ToJson())));
        foreach (var e in CheckpointExtra) checkpoint.Set(e.Key, e.Value);
        var o = new PyJsonObject()
            .Set("_checkpoint", checkpoint)
            .Set("entry_status", new PyJsonString(EntryStatus))
            .Set("eligible", new PyJsonBool(Eligible))
            .Set("sensors", Strings(Sensors))
            .Set("values", Strings(Values))
            .Set("labels", Strings(Labels));
        foreach (var e in Extra) o.Set(e.Key, e.Value);
        return o;
    }

    private static PyJsonArray Strings(IEnumerable<string> items) => new(items.Select(s => (PyJsonValue)new PyJsonString(s)));
}

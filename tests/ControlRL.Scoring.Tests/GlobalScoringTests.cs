using ControlRL.Scoring.Leaderboard;
using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Tests;

public class GlobalScoringTests
{
    internal static RouteRecord Record(int index, string status, double route, double penalty, double length,
        params (InfractionKind Kind, string Message)[] messages) => Record(index, status, PyNumber.Float(route), penalty, PyNumber.Float(length), messages);

    internal static RouteRecord Record(int index, string status, PyNumber route, double penalty, PyNumber length,
        params (InfractionKind Kind, string Message)[] messages)
    {
        var lists = InfractionKeys.All.Select(_ => new List<string>()).ToArray();
        foreach (var (kind, message) in messages) lists[(int)kind].Add(message);
        return new RouteRecord
        {
            Index = index,
            RouteId = $"RouteScenario_{index}_rep0",
            Status = status,
            NumInfractions = messages.Length,
            Infractions = lists,
            Scores = new RouteScores(route, PyNumber.Float(penalty), PyNumber.Float(PyMath.Round(route.Value * penalty, 6))),
            Meta = new RouteMeta(length, PyNumber.Float(10.5), PyNumber.Float(20.25)),
        };
    }

    private static readonly (InfractionKind, string) Crash = (InfractionKind.CollisionVehicle, "Agent collided against object with type=vehicle.a and id=1 at (x=0.0, y=0.0, z=0.0)");

    [Fact]
    public void MeansDivideEachTermByAllRoutesThenSum()
    {
        RouteRecord[] records = [Record(0, "Perfect", PyNumber.Int(100), 1.0, PyNumber.Float(1000)), Record(1, "Failed", 0.1, 0.7, 500)];
        var g = GlobalScoring.Compute(records, totalRoutes: 3);   // one route never ran: it still divides
        Assert.Equal(PyNumber.Float(PyMath.Round(100.0 / 3 + 0.1 / 3, 6)), g.Mean.Route);
        Assert.Equal(PyNumber.Float(PyMath.Round(1.0 / 3 + 0.7 / 3, 6)), g.Mean.Penalty);
        Assert.Equal(PyNumber.Float(PyMath.Round(100.0 / 3 + PyMath.Round(0.1 * 0.7, 6) / 3, 6)), g.Mean.Composed);
        // Sample standard deviation around the rounded mean, over T - 1 with T the run's routes, rounded to 3.
        double m = g.Mean.Route.Value;
        Assert.Equal(PyNumber.Float(PyMath.Round(Math.Sqrt((Math.Pow(100 - m, 2) + Math.Pow(0.1 - m, 2)) / 2.0), 3)), g.StdDev.Route);
        Assert.Equal(PyNumber.Float(1500.0), g.TotalLength);
        Assert.Equal(PyNumber.Float(21.0), g.DurationGame);
        Assert.Equal(PyNumber.Float(40.5), g.DurationSystem);
    }

    [Fact]
    public void OneRouteHasTheIntegerZeroAsStandardDeviation()
    {
        var g = GlobalScoring.Compute([Record(0, "Completed", PyNumber.Int(100), 0.42, PyNumber.Float(82.683), Crash)], 1);
        Assert.Equal(new RouteScores(PyNumber.Int(0), PyNumber.Int(0), PyNumber.Int(0)), g.StdDev);
        Assert.Equal(PyNumber.Float(100.0), g.Mean.Route);   // 100 / 1 is a float
        Assert.Contains("\"score_route\": 0,", PyJson.Serialize(g.ToJson()));
    }

    [Fact]
    public void InfractionsArePerKmDrivenWithAFloor()
    {
        // 1 km at 50 % and 2 km at 25 %: 1 km driven.
        RouteRecord[] records =
        [
            Record(0, "Failed", 50, 0.6, 1000, Crash),
            Record(1, "Failed", 25, 0.36, 2000, Crash, Crash, (InfractionKind.RedLight, "Agent ran a red light 1 at (x=0.0, y=0.0, z=0.0)")),
        ];
        var g = GlobalScoring.Compute(records, 2);
        Assert.Equal(1.0, g.KmDriven);
        Assert.Equal(PyNumber.Float(3.0), g.Infraction(InfractionKind.CollisionVehicle));
        Assert.Equal(PyNumber.Float(1.0), g.Infraction(InfractionKind.RedLight));
        Assert.Equal(PyNumber.Float(0.0), g.Infraction(InfractionKind.StopSign));

        // No distance driven: km is floored at 0.001, so one collision is 1000 per km.
        var stuck = GlobalScoring.Compute([Record(0, "Failed", 0.0, 0.6, 1000, Crash)], 1);
        Assert.Equal(0.001, stuck.KmDriven);
        Assert.Equal(PyNumber.Float(1000.0), stuck.Infraction(InfractionKind.CollisionVehicle));

        // Rounded to 3 decimals: 1 / 0.3 km.
        var third = GlobalScoring.Compute([Record(0, "Failed", 30, 0.6, 1000, Crash)], 1);
        Assert.Equal(PyNumber.Float(3.333), third.Infraction(InfractionKind.CollisionVehicle));
    }

    [Fact]
    public void OutsideRouteLanesSumsTheFirstMessagesKilometresUndivided()
    {
        RouteRecord[] records =
        [
            Record(0, "Completed", 50, 0.95, 100, (InfractionKind.OutsideRouteLanes, Infraction.OutsideRouteLanes(7.082, 4.88).Message)),
            Record(1, "Completed", 50, 0.99, 100, (InfractionKind.OutsideRouteLanes, Infraction.OutsideRouteLanes(1.0, 1.01).Message),
                (InfractionKind.OutsideRouteLanes, Infraction.OutsideRouteLanes(500, 50).Message)),   // only the first message counts
        ];
        var g = GlobalScoring.Compute(records, 2);
        Assert.Equal(PyNumber.Float(PyMath.Round(7.082 / 1000 + 1.0 / 1000, 3)), g.Infraction(InfractionKind.OutsideRouteLanes));
        Assert.Equal(0.008, g.Infraction(InfractionKind.OutsideRouteLanes).Value);
    }

    [Fact]
    public void StatusAndExceptions()
    {
        Assert.Equal("Perfect", GlobalScoring.Compute([Record(0, "Perfect", 100, 1, 10), Record(1, "Perfect", 100, 1, 10)], 2).Status);
        Assert.Equal("Completed", GlobalScoring.Compute([Record(0, "Perfect", 100, 1, 10), Record(1, "Completed", 100, 0.6, 10, Crash)], 2).Status);
        var failed = GlobalScoring.Compute(
        [
            Record(0, "Failed - Agent got blocked", 10, 1, 10), Record(1, "Completed", 100, 0.6, 10, Crash), Record(2, "Failed - TickRuntime", 5, 1, 10),
        ], 3);
        Assert.Equal("Failed", failed.Status);
        Assert.Equal([new RouteException("RouteScenario_0_rep0", 0, "Failed - Agent got blocked"), new RouteException("RouteScenario_2_rep0", 2, "Failed - TickRuntime")], failed.Exceptions);
        var json = PyJson.Serialize(failed.ToJson());
        Assert.Contains("\"exceptions\": [\n            [\n                \"RouteScenario_0_rep0\",\n                0,\n                \"Failed - Agent got blocked\"\n            ],", json);
        // The global status takes the first non-Perfect status it meets, whatever it is (a leaderboard quirk).
        Assert.Equal("Started", GlobalScoring.Compute([Record(0, "Started", 0, 1, 10), Record(1, "Completed", 100, 0.6, 10, Crash)], 2).Status);
    }

    [Fact]
    public void EntryStatusIsDecidedByTheLastCrashOrRejection()
    {
        Assert.Equal("Finished", GlobalScoring.EntryStatus([Record(0, "Failed - Agent crashed", 0, 1, 10)]));
        Assert.Equal("Crashed", GlobalScoring.EntryStatus([Record(0, "Failed - Simulation crashed", 0, 1, 10)]));
        Assert.Equal("Rejected", GlobalScoring.EntryStatus([Record(0, "Failed - Simulation crashed", 0, 1, 10), Record(1, "Failed - Agent's sensors were invalid", 0, 1, 10)]));
        Assert.Equal("Crashed", GlobalScoring.EntryStatus([Record(0, "Failed - Agent's sensors were invalid", 0, 1, 10), Record(1, "Failed - Simulation crashed", 0, 1, 10)]));
    }

    [Fact]
    public void NoRecordsKeepTheIntegerStartsOfPython()
    {
        var g = GlobalScoring.Compute([], 2);
        Assert.Equal(new RouteScores(PyNumber.Int(0), PyNumber.Int(0), PyNumber.Int(0)), g.Mean);
        Assert.Equal(new RouteScores(PyNumber.Float(0.0), PyNumber.Float(0.0), PyNumber.Float(0.0)), g.StdDev);
        Assert.Equal(PyNumber.Int(0), g.Infraction(InfractionKind.OutsideRouteLanes));   // round(0, 3) of an int
        Assert.Equal(PyNumber.Float(0.0), g.Infraction(InfractionKind.CollisionVehicle)); // 0 / 0.001
        Assert.Equal((PyNumber.Int(0), PyNumber.Int(0), PyNumber.Int(0)), (g.TotalLength, g.DurationGame, g.DurationSystem));
        Assert.Equal("Perfect", g.Status);
    }

    [Fact]
    public void IntegerLengthsAndScoresMixAsInPython()
    {
        // Route length 0 (a scenario that never loaded) is an int; the sums turn float with the first float.
        var g = GlobalScoring.Compute([Record(0, "Failed - Simulation crashed", PyNumber.Float(0.0), 1, PyNumber.Int(0)), Record(1, "Perfect", PyNumber.Int(100), 1, PyNumber.Float(10.5))], 2);
        Assert.Equal(PyNumber.Float(10.5), g.TotalLength);
        var ints = GlobalScoring.Compute([Record(0, "Failed - Simulation crashed", PyNumber.Float(0.0), 1, PyNumber.Int(0))], 1);
        Assert.Equal(PyNumber.Int(0), ints.TotalLength);
    }

    [Fact]
    public void ValuesAreStrOfTheRecordInLabelOrder()
    {
        var g = GlobalScoring.Compute([Record(0, "Completed", PyNumber.Int(100), 0.42, PyNumber.Float(82.683), Crash)], 1);
        var values = g.Values();
        Assert.Equal(GlobalRecord.Labels.Count, values.Count);
        Assert.Equal("42.0", values[0]);
        Assert.Equal("100.0", values[1]);
        Assert.Equal("0.42", values[2]);
        Assert.Equal("12.094", values[4]);   // collisions with vehicles per km
        Assert.Equal("Min speed infractions", GlobalRecord.Labels[^1]);
    }
}

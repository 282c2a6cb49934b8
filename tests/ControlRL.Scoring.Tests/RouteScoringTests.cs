using ControlRL.Scoring.Leaderboard;
using ControlRL.Scoring.Python;

namespace ControlRL.Scoring.Tests;

public class RouteScoringTests
{
    private static RouteFacts Facts(params Infraction[] events) => new()
    {
        RouteId = "RouteScenario_7_rep0",
        Index = 0,
        RouteLength = 1000,
        RouteCompletion = 100,
        TargetReached = true,
        Infractions = events,
        DurationGame = 60,
        DurationSystem = 90,
    };

    [Theory]
    [InlineData("walker.pedestrian.0001", InfractionKind.CollisionPedestrian, 0.5)]
    [InlineData("vehicle.tesla.model3", InfractionKind.CollisionVehicle, 0.6)]
    [InlineData("static.prop.mesh", InfractionKind.CollisionLayout, 0.65)]
    [InlineData("traffic.traffic_light", InfractionKind.CollisionLayout, 0.65)]
    [InlineData("static.terrain", InfractionKind.CollisionLayout, 0.65)]
    public void EachCollisionKindHasItsFactor(string typeId, InfractionKind kind, double factor)
    {
        var e = Infraction.Collision(typeId, 12, 1, 2, 3)!;
        Assert.Equal(kind, e.Kind);
        var r = RouteScoring.Compute(Facts(e));
        Assert.Equal(PyNumber.Float(factor), r.Scores.Penalty);
        Assert.Equal(PyNumber.Float(100 * factor), r.Scores.Composed);
        Assert.Equal("Completed", r.Status);
        Assert.Equal([e.Message], r.Messages(kind));
    }

    [Fact]
    public void ActorsTheLeaderboardDoesNotClassifyAreNoEvent()
    {
        Assert.Null(Infraction.Collision("static.sidewalk", 0, 0, 0, 0));   // 'sidewalk' excludes layout, and is no vehicle or walker
        Assert.Null(Infraction.Collision("sensor.camera.rgb", 5, 0, 0, 0));
    }

    [Fact]
    public void EveryFixedPenaltyAndTheirProduct()
    {
        Infraction[] events =
        [
            Infraction.RedLight(847, 923.263, 3702.401, 370.73), Infraction.StopSign(3, 0, 0, 0),
            Infraction.ScenarioTimeout(), Infraction.YieldEmergencyVehicle(),
        ];
        Assert.Equal([0.7, 0.8, 0.7, 0.7], events.Select(e => e.PenaltyFactor));
        var r = RouteScoring.Compute(Facts(events));
        double expected = 1.0 * 0.7 * 0.8 * 0.7 * 0.7;
        Assert.Equal(PyMath.Round(expected, 6), r.Scores.Penalty.Value);
        Assert.Equal(PyMath.Round(100 * expected, 6), r.Scores.Composed.Value);
        Assert.Equal(4, r.NumInfractions);
        Assert.Equal("Agent ran a red light 847 at (x=923.263, y=3702.401, z=370.73)", r.Messages(InfractionKind.RedLight)[0]);
        Assert.Equal("Agent ran a stop with id=3 at (x=0.0, y=0.0, z=0.0)", r.Messages(InfractionKind.StopSign)[0]);
        Assert.Equal(["Agent timed out a scenario"], r.Messages(InfractionKind.ScenarioTimeout));
        Assert.Equal(["Agent failed to yield to an emergency vehicle"], r.Messages(InfractionKind.YieldEmergencyVehicle));
    }

    [Fact]
    public void MinSpeedUsesThePercentageRoundedToTwoDecimals()
    {
        var e = Infraction.MinSpeed(55.5549);
        Assert.Equal("Average speed is 55.55% of the surrounding traffic's one", e.Message);
        Assert.Equal(1 - (1 - 0.7) * (1 - 55.55 / 100), e.PenaltyFactor);
        // One event per failed quarter: the factors multiply.
        var r = RouteScoring.Compute(Facts(e, Infraction.MinSpeed(80)));
        Assert.Equal(PyMath.Round(1.0 * e.PenaltyFactor * (1 - (1 - 0.7) * (1 - 80.0 / 100)), 6), r.Scores.Penalty.Value);
        Assert.Equal("Average speed is 80.0% of the surrounding traffic's one", r.Messages(InfractionKind.MinSpeed)[1]);
    }

    [Fact]
    public void OutsideRouteLanesUsesTheUnroundedPercentageOnce()
    {
        var e = Infraction.OutsideRouteLanes(7.08249, 4.87749);
        Assert.Equal("Agent went outside its route lanes for about 7.082 meters (4.88% of the completed route)", e.Message);
        // Python writes round(x, 3) with str(), not '{:.3f}': 1.0, not 1.000.
        Assert.Equal("Agent went outside its route lanes for about 1.0 meters (1.01% of the completed route)", Infraction.OutsideRouteLanes(1.0, 1.0101).Message);
        var r = RouteScoring.Compute(Facts(e) with { TargetReached = false, RouteCompletion = 89.97 });
        Assert.Equal(PyMath.Round(1 - 4.87749 / 100, 6), r.Scores.Penalty.Value);
        Assert.Equal(PyMath.Round(89.97 * (1 - 4.87749 / 100), 6), r.Scores.Composed.Value);
        Assert.Equal(7.082, GlobalScoring.OutsideLanesMeters(e.Message));
        Assert.Throws<ArgumentException>(() => RouteScoring.Compute(Facts(e, Infraction.OutsideRouteLanes(1, 1))));
    }

    [Fact]
    public void ThePenaltyMultipliesInTheLeaderboardsCriteriaOrder()
    {
        Infraction[] events =
        [
            Infraction.MinSpeed(37.4), Infraction.Collision("vehicle.a", 1, 0, 0, 0)!, Infraction.YieldEmergencyVehicle(),
            Infraction.OutsideRouteLanes(3, 3.3333333), Infraction.RedLight(1, 0, 0, 0), Infraction.Collision("walker.b", 2, 0, 0, 0)!,
        ];
        double p = 1.0;
        foreach (double f in new[] { events[3], events[1], events[5], events[4], events[0], events[2] }.Select(e => e.PenaltyFactor)) p *= f;
        var r = RouteScoring.Compute(Facts(events));
        Assert.Equal(PyNumber.Float(PyMath.Round(p, 6)), r.Scores.Penalty);
        Assert.Equal(PyNumber.Float(PyMath.Round(100 * p, 6)), r.Scores.Composed);
        // Collisions keep their order within the criterion.
        Assert.Equal(["Agent collided against object with type=vehicle.a and id=1 at (x=0.0, y=0.0, z=0.0)"], r.Messages(InfractionKind.CollisionVehicle));
    }

    [Fact]
    public void ReachingTheTargetScoresTheInteger100()
    {
        var perfect = RouteScoring.Compute(Facts());
        Assert.Equal(PyNumber.Int(100), perfect.Scores.Route);
        Assert.Equal(PyNumber.Float(1.0), perfect.Scores.Penalty);
        Assert.Equal(PyNumber.Float(100.0), perfect.Scores.Composed);
        Assert.Equal("Perfect", perfect.Status);
        Assert.Equal(0, perfect.NumInfractions);
        Assert.Contains("\"score_route\": 100,", PyJson.Serialize(perfect.ToJson()));
        Assert.Contains("\"score_composed\": 100.0\n", PyJson.Serialize(perfect.ToJson()));

        // A real record (Bench2Drive tfv6, route 2201): a vehicle collision and a red light, target reached.
        var real = RouteScoring.Compute(Facts(
            Infraction.Collision("vehicle.mercedes.coupe_2020", 3940, 918.846, 3679.969, 370.797)!,
            Infraction.RedLight(847, 923.263, 3702.401, 370.73)) with { RouteLength = 82.68349, DurationGame = 41.3, DurationSystem = 178.2544 });
        Assert.Equal((PyNumber.Int(100), PyNumber.Float(0.42), PyNumber.Float(42.0)), (real.Scores.Route, real.Scores.Penalty, real.Scores.Composed));
        Assert.Equal("Completed", real.Status);
        Assert.Equal("Agent collided against object with type=vehicle.mercedes.coupe_2020 and id=3940 at (x=918.846, y=3679.969, z=370.797)",
            real.Messages(InfractionKind.CollisionVehicle)[0]);
        Assert.Equal((PyNumber.Float(82.683), PyNumber.Float(41.3), PyNumber.Float(178.254)), (real.Meta.RouteLength, real.Meta.DurationGame, real.Meta.DurationSystem));
    }

    [Fact]
    public void AnUnfinishedRouteScoresItsCompletionRoundedToTwoDecimals()
    {
        var r = RouteScoring.Compute(Facts(Infraction.Collision("static.prop.mesh", 1, 0, 0, 0)!) with { TargetReached = false, RouteCompletion = 51.0149 });
        Assert.Equal(PyNumber.Float(51.01), r.Scores.Route);
        Assert.Equal(PyNumber.Float(PyMath.Round(51.01 * 0.65, 6)), r.Scores.Composed);
        Assert.Equal("Failed", r.Status);
        // Completion that rounds to 100 counts as reached (target_reached = score_route >= 100).
        var almost = RouteScoring.Compute(Facts() with { TargetReached = false, RouteCompletion = 99.996 });
        Assert.Equal(PyNumber.Float(100.0), almost.Scores.Route);
        Assert.Equal("Perfect", almost.Status);
    }

    [Fact]
    public void FailureMessagesFollowTheLeaderboardsPrecedence()
    {
        var unfinished = Facts() with { TargetReached = false, RouteCompletion = 40 };
        Assert.Equal("Failed - Agent deviated from the route",
            RouteScoring.Compute(unfinished with { Failure = RouteFailure.RouteDeviation, Infractions = [Infraction.RouteDeviation(1, 2, 3)] }).Status);
        var timedOut = RouteScoring.Compute(unfinished with { Infractions = [Infraction.RouteTimeout()] });
        Assert.Equal("Failed - Agent timed out", timedOut.Status);
        Assert.Equal(["Route timeout."], timedOut.Messages(InfractionKind.RouteTimeout));
        Assert.Equal(PyNumber.Float(1.0), timedOut.Scores.Penalty);
        // A blocked event after the timeout overrides its message; an external crash is overridden by both.
        Assert.Equal("Failed - Agent got blocked",
            RouteScoring.Compute(unfinished with { Failure = RouteFailure.SimulationCrashed, Infractions = [Infraction.Blocked(-2591.673, 5913.113, 157.387), Infraction.RouteTimeout()] }).Status);
        Assert.Equal("Failed - Simulation crashed", RouteScoring.Compute(unfinished with { Failure = RouteFailure.SimulationCrashed }).Status);
        Assert.Equal("Failed - Agent's sensors were invalid", RouteScoring.Compute(unfinished with { Failure = RouteFailure.SensorsInvalid }).Status);
        Assert.Equal("Failed - Agent couldn't be set up", RouteScoring.Compute(unfinished with { Failure = RouteFailure.AgentSetupFailed }).Status);
        Assert.Equal("Failed - Agent crashed", RouteScoring.Compute(unfinished with { Failure = RouteFailure.AgentCrashed }).Status);
        // Reaching the end wins over any failure.
        Assert.Equal("Perfect", RouteScoring.Compute(Facts() with { Failure = RouteFailure.AgentCrashed }).Status);
        Assert.Equal("Agent got blocked at (x=-2591.673, y=5913.113, z=157.387)", Infraction.Blocked(-2591.673, 5913.113, 157.387).Message);
        Assert.Equal("Agent deviated from the route at (x=1.0, y=2.0, z=3.0)", Infraction.RouteDeviation(1, 2, 3).Message);
        // A named event-derived failure needs its event.
        Assert.Throws<ArgumentException>(() => RouteScoring.Compute(unfinished with { Failure = RouteFailure.AgentBlocked }));
    }

    [Fact]
    public void AScenarioThatNeverLoadedStoresTheIntegerLengthZero()
    {
        var r = RouteScoring.Compute(Facts() with { ScenarioLoaded = false, TargetReached = false, RouteCompletion = 0, Failure = RouteFailure.SimulationCrashed, DurationGame = 0, DurationSystem = 0 });
        // As the real records of routes 145, 161, ... of the Bench2Drive run.
        Assert.Equal("Failed - Simulation crashed", r.Status);
        Assert.Equal((PyNumber.Float(0.0), PyNumber.Float(1.0), PyNumber.Float(0.0)), (r.Scores.Route, r.Scores.Penalty, r.Scores.Composed));
        Assert.Equal((PyNumber.Int(0), PyNumber.Float(0.0), PyNumber.Float(0.0)), (r.Meta.RouteLength, r.Meta.DurationGame, r.Meta.DurationSystem));
    }

    [Fact]
    public void ExtraFieldsFollowMeta()
    {
        var r = RouteScoring.Compute(Facts() with { TownName = "Town12", ScenarioName = "ParkingCutIn_1", WeatherId = "15", SaveName = "s" });
        var keys = r.ToJson().Members.Select(m => m.Key).ToArray();
        Assert.Equal(["index", "route_id", "status", "num_infractions", "infractions", "scores", "meta", "scenario_name", "weather_id", "save_name", "town_name"], keys);
        Assert.Equal(InfractionKeys.All, ((PyJsonObject)r.ToJson()["infractions"]!).Members.Select(m => m.Key));
    }

    [Theory]
    [InlineData(-1.0, 50.0)]
    [InlineData(double.NaN, 50.0)]
    [InlineData(100.0, 100.5)]
    [InlineData(100.0, -0.1)]
    public void ImpossibleFactsAreRefused(double length, double completion)
    {
        Assert.Throws<ArgumentException>(() => RouteScoring.Compute(Facts() with { RouteLength = length, RouteCompletion = completion }));
    }
}

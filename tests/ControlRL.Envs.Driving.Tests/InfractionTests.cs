using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;
using ControlRL.Scoring.NuPlan;

namespace ControlRL.Envs.Driving.Tests;

public class InfractionTests
{
    internal static (DrivingWorld World, InfractionMonitor Monitor) Setup(Route route, WorldOptions? options = null, TerminationRules? rules = null)
    {
        var world = new DrivingWorld(route.Town, route, options ?? new WorldOptions());
        var monitor = new InfractionMonitor(world, rules);
        world.Reset(1);
        monitor.Reset();
        return (world, monitor);
    }

    private static Route StraightRoute(int lane = 1) => TestTowns.RouteThrough(TestTowns.Straight(), "straight", lane);

    // Drives n steps holding the speed with a proportional throttle (no steering).
    private static void Cruise(DrivingWorld w, InfractionMonitor m, double speed, int n)
    {
        for (int i = 0; i < n && !m.Ended; i++)
        {
            double a = Math.Clamp((speed - w.Ego.Speed) * 1.5 + 0.06, -1, 1);
            w.Step(0, a);
            m.Update();
        }
    }

    private static List<InfractionEvent> Of(InfractionMonitor m, InfractionKind kind) => [.. m.Events.Where(e => e.Kind == kind)];

    // ---- collisions ----

    [Fact]
    public void CollisionWithAPedestrianCountsOnceWithItsIdAndKind()
    {
        var (w, m) = Setup(StraightRoute());
        w.PlaceEgo(new Vec2(20, -5.25), 0, 6);
        int id = w.AddPedestrian(new Vec2(32, -5.25), new Vec2(32, -3), 0.3);
        Cruise(w, m, 6, 40);
        var hits = Of(m, InfractionKind.CollisionPedestrian);
        var e = Assert.Single(hits);
        Assert.Equal(id, e.OtherId);
        Assert.Equal(ActorKind.Pedestrian, e.OtherKind);
        Assert.InRange(e.Position.X, 26, 33);
        Assert.StartsWith("Agent collided against object with type=walker.pedestrian.controlrl and id=", e.Message());
        // The leaderboard does not end the route on collisions.
        Assert.False(m.Ended);
    }

    [Fact]
    public void CollisionsWithVehiclesParkedCarsAndObjectsHaveTheirKinds()
    {
        var (w, m) = Setup(StraightRoute());
        w.PlaceEgo(new Vec2(10, -5.25), 0, 8);
        int car = w.AddVehicle(1, 30, 0, speedFactor: 0);
        int parked = w.AddStaticActor(ActorKind.ParkedVehicle, new Vec2(60, -5.25), 0, 2.3, 0.9);
        int cone = w.AddStaticActor(ActorKind.StaticObject, new Vec2(90, -5.25), 0, 0.25, 0.25);
        Cruise(w, m, 8, 120);
        var v = Of(m, InfractionKind.CollisionVehicle);
        Assert.Equal(2, v.Count);
        Assert.Equal(car, v[0].OtherId);
        Assert.Equal(ActorKind.Vehicle, v[0].OtherKind);
        Assert.Equal(parked, v[1].OtherId);
        Assert.Equal(ActorKind.ParkedVehicle, v[1].OtherKind);
        var layout = Assert.Single(Of(m, InfractionKind.CollisionLayout));
        Assert.Equal(cone, layout.OtherId);
        Assert.Equal(ActorKind.StaticObject, layout.OtherKind);
    }

    [Fact]
    public void TheSameActorCountsAgainOnlyAfter5Seconds()
    {
        var (w, m) = Setup(StraightRoute());
        // A pedestrian walking along in front of the bumper: one long contact.
        w.PlaceEgo(new Vec2(10, -5.25), 0, 2);
        w.AddPedestrian(new Vec2(12.5, -5.25), new Vec2(200, -5.25), 2);
        Cruise(w, m, 2, 50);
        Assert.Single(Of(m, InfractionKind.CollisionPedestrian));
        // Past MAX_ID_TIME (and 5 m away from where it was counted), the same contact counts again.
        Cruise(w, m, 2, 15);
        Assert.Equal(2, Of(m, InfractionKind.CollisionPedestrian).Count);
    }

    [Fact]
    public void ContactsWithin5MetresOfTheLastCollisionDoNotCount()
    {
        var (w, m) = Setup(StraightRoute());
        w.PlaceEgo(new Vec2(10, -5.25), 0, 3);
        // Two cones side by side, met in the same step; the ego then stops: one collision.
        w.AddStaticActor(ActorKind.StaticObject, new Vec2(20, -5.75), 0, 0.25, 0.25);
        w.AddStaticActor(ActorKind.StaticObject, new Vec2(20, -4.75), 0, 0.25, 0.25);
        while (m.Events.Count == 0) Cruise(w, m, 3, 1);
        for (int i = 0; i < 20; i++)
        {
            w.Step(0, -1);
            m.Update();
        }
        Assert.Single(Of(m, InfractionKind.CollisionLayout));
        Assert.Equal(2, m.Trace.Collisions.Count);
    }

    [Fact]
    public void AStandingEgoIsNotAtFault()
    {
        var (w, m) = Setup(StraightRoute());
        w.PlaceEgo(new Vec2(30, -5.25), 0, 0);
        w.AddPedestrian(new Vec2(30, -9), new Vec2(30, -1), 1.4);
        for (int i = 0; i < 60; i++)
        {
            w.Step(0, -1);
            m.Update();
        }
        Assert.Empty(m.Events);
        // nuPlan's trace records the contact, not at fault.
        var c = Assert.Single(m.Trace.Collisions);
        Assert.Equal(NuPlanCollisionType.StoppedEgo, c.Type);
        Assert.False(c.AtFault);
    }

    [Fact]
    public void DrivingIntoTheLayoutBeyondTheSidewalkIsALayoutCollision()
    {
        var (w, m) = Setup(StraightRoute());
        // Lane edge at y = -7, shoulder 1.5 and sidewalk 2: the layout starts at y = -10.5.
        w.PlaceEgo(new Vec2(10, -9.4), 0, 3);
        Cruise(w, m, 3, 5);
        Assert.Empty(Of(m, InfractionKind.CollisionLayout));
        w.PlaceEgo(new Vec2(w.Ego.Position.X, -11.0), 0, 3);
        Cruise(w, m, 3, 5);
        var e = Assert.Single(Of(m, InfractionKind.CollisionLayout));
        Assert.Null(e.OtherKind);
        Assert.Equal(0, e.OtherId);
        Assert.Contains("type=static.layout and id=0", e.Message());
    }

    // ---- lights and stop signs ----

    // Short arms: the route starts a few metres from where the tests put the ego (InRouteTest would end a route
    // whose ego jumps far from its start).
    private static (DrivingWorld, InfractionMonitor, TestTowns.CrossroadsTown) AtJunction(JunctionControl control)
    {
        var t = TestTowns.Crossroads(control, arm: 30);
        var (w, m) = Setup(t.Route(TestTowns.Arm.South, Turn.Straight));
        return (w, m, t);
    }

    [Fact]
    public void CrossingTheStopLineOnRedIsARedLightInfraction()
    {
        var (w, m, t) = AtJunction(JunctionControl.TrafficLights);
        // Group 0 (North/South) is red from 15 s to 32 s of the cycle.
        w.SetLightClock(18);
        double line = -t.HalfSize;
        w.PlaceEgo(new Vec2(1.75, line - 20), Math.PI / 2, 10);
        Cruise(w, m, 10, 40);
        var e = Assert.Single(Of(m, InfractionKind.RedLight));
        int sig = w.Town.Lanes[t.Incoming(TestTowns.Arm.South)].SignalId;
        Assert.Equal(sig, e.SignalId);
        Assert.Equal($"Agent ran a red light {sig} at (x=1.75, y={PyFloat.Str(line)}, z=0.0)", e.Message());
    }

    [Fact]
    public void PassingOnYellowIsLegal()
    {
        var (w, m, t) = AtJunction(JunctionControl.TrafficLights);
        // Yellow from 12 s to 15 s: the rear clears the line within a second and a half.
        w.SetLightClock(12.2);
        w.PlaceEgo(new Vec2(1.75, -t.HalfSize - 6), Math.PI / 2, 10);
        Cruise(w, m, 10, 30);
        Assert.Empty(Of(m, InfractionKind.RedLight));
        Assert.True(w.RouteProgress > w.RouteInfo.Stops[0].S + 10);
    }

    [Fact]
    public void RunningAStopSignIsAnInfractionAndAFullStopIsNot()
    {
        var (w, m, t) = AtJunction(JunctionControl.AllWayStop);
        w.PlaceEgo(new Vec2(1.75, -t.HalfSize - 25), Math.PI / 2, 8);
        Cruise(w, m, 8, 50);
        var e = Assert.Single(Of(m, InfractionKind.StopSign));
        Assert.StartsWith($"Agent ran a stop with id={w.Town.Lanes[t.Incoming(TestTowns.Arm.South)].SignalId} at", e.Message());

        (w, m, t) = AtJunction(JunctionControl.AllWayStop);
        w.PlaceEgo(new Vec2(1.75, -t.HalfSize - 25), Math.PI / 2, 8);
        double stopAt = -t.HalfSize - w.Options.Ego.Length / 2 - 1.0;
        for (int i = 0; i < 200 && w.Ego.Position.Y < stopAt - 0.05; i++)
        {
            double d = stopAt - w.Ego.Position.Y;
            double vTarget = Math.Sqrt(2 * 2.0 * Math.Max(0, d));
            w.Step(0, Math.Clamp((vTarget - w.Ego.Speed) * 1.5, -1, 1));
            m.Update();
        }
        for (int i = 0; i < 10; i++)
        {
            w.Step(0, -1);
            m.Update();
        }
        Assert.Equal(0, w.Ego.Speed);
        Cruise(w, m, 6, 60);
        Assert.Empty(Of(m, InfractionKind.StopSign));
        Assert.True(w.RouteProgress > w.RouteInfo.Stops[0].S + 10);
    }

    // ---- route lanes, deviation ----

    [Fact]
    public void DrivingInTheOppositeLaneCountsAsOutsideRouteLanesWithMetres()
    {
        var (w, m) = Setup(StraightRoute());
        w.PlaceEgo(new Vec2(20, -5.25), 0, 8);
        Cruise(w, m, 8, 20);
        // Over into the westbound lane (as a lane change would), 100 m there, and back.
        w.PlaceEgo(new Vec2(w.Ego.Position.X, 1.75), 0, 8);
        double x0 = w.Ego.Position.X;
        while (w.Ego.Position.X < x0 + 100) Cruise(w, m, 8, 1);
        w.PlaceEgo(new Vec2(w.Ego.Position.X, -5.25), 0, 8);
        Cruise(w, m, 8, 60);
        var e = Assert.Single(Of(m, InfractionKind.OutsideRouteLanes));
        Assert.InRange(e.Metres, 98, 103);
        Assert.InRange(m.OutsideRouteLanesMetres, 98, 103);
        double driven = w.RouteProgress;
        Assert.InRange(e.Percentage, 100 * 98 / driven, 100 * 103 / driven);
        Assert.Matches(@"^Agent went outside its route lanes for about \d+\.\d+ meters \(\d+\.\d+% of the completed route\)$", e.Message());
        Assert.Equal(PyFloat.Str(PyFloat.Round(e.Metres, 3)), e.Message().Split(' ')[8]);
    }

    [Fact]
    public void NeighbourLanesOfTheSameDirectionAreRouteLanesButShouldersAreNot()
    {
        var (w, m) = Setup(StraightRoute());
        w.PlaceEgo(new Vec2(20, -1.75), 0, 8);
        Cruise(w, m, 8, 60);
        Assert.Empty(m.Events);
        // On the shoulder, more than half a lane plus 0.5 m from the lane centre.
        w.PlaceEgo(new Vec2(w.Ego.Position.X, -8.0), 0, 8);
        Cruise(w, m, 8, 30);
        Assert.Single(Of(m, InfractionKind.OutsideRouteLanes));
        Assert.True(m.OutsideRouteLanesMetres > 20);
    }

    [Fact]
    public void LeavingTheRouteBy30MetresEndsTheRoute()
    {
        var (w, m) = Setup(StraightRoute());
        w.PlaceEgo(new Vec2(20, -5.25 - 25), 0, 2);
        Cruise(w, m, 2, 5);
        Assert.False(m.Ended);
        w.PlaceEgo(new Vec2(22, -5.25 - 31), 0, 2);
        Cruise(w, m, 2, 1);
        Assert.Equal(EpisodeEnd.RouteDeviation, m.End);
        Assert.Single(Of(m, InfractionKind.RouteDeviation));
    }

    // ---- blocked, minimum speed, timeouts ----

    [Fact]
    public void StandingStillFor180SecondsAfterMovingIsBlocked()
    {
        var (w, m) = Setup(StraightRoute());
        Cruise(w, m, 3, 20);
        int steps = 0;
        while (!m.Ended && steps < 2000)
        {
            w.Step(0, -1);
            m.Update();
            steps++;
        }
        Assert.Equal(EpisodeEnd.Blocked, m.End);
        var e = Assert.Single(Of(m, InfractionKind.VehicleBlocked));
        // Stopped within about a second of braking, then 180 s.
        Assert.InRange(e.Time, 2 + 180, 2 + 184);
    }

    [Fact]
    public void CrawlingBehindFasterTrafficFailsTheMinimumSpeedCheckpoints()
    {
        var (w, m) = Setup(StraightRoute(), new WorldOptions { VehiclesPerKm = 20 });
        Assert.True(w.VehicleCount > 0);
        while (!m.Ended && w.RouteProgress < 120) Cruise(w, m, 3, 1);
        var e = Assert.Single(Of(m, InfractionKind.MinSpeed));
        Assert.InRange(e.Percentage, 5, 60);
        Assert.Equal($"Average speed is {PyFloat.Str(e.Percentage)}% of the surrounding traffic's one", e.Message());
    }

    [Fact]
    public void TheRouteTimesOutAfter300SecondsPlusTenTimesTheTimeAtTheLimit()
    {
        var (w, m) = Setup(StraightRoute());
        while (!m.Ended && w.Time < 600) Cruise(w, m, 0.3, 1);
        Assert.Equal(EpisodeEnd.RouteTimeout, m.End);
        Assert.Single(Of(m, InfractionKind.RouteTimeout));
        // 300 s + progress / (10 % of 50 km/h).
        double expected = 300 + w.RouteProgress / (TestTowns.Limit * 0.1);
        Assert.InRange(w.Time, expected - 2, expected + 2);
    }

    // ---- route completion ----

    [Fact]
    public void RouteCompletionFollowsTheFurthestPassedPoint()
    {
        var (w, m) = Setup(StraightRoute());
        while (w.Ego.Position.X < 200) Cruise(w, m, 12, 1);
        Assert.InRange(m.RouteCompletion, 49, 51);
        Assert.Equal(Math.Round(m.RouteCompletion, 2), m.RouteCompletion);
        Assert.False(m.Ended);
        while (!m.Ended) Cruise(w, m, 12, 1);
        Assert.Equal(EpisodeEnd.Completed, m.End);
        Assert.Equal(100, m.RouteCompletion);
        Assert.True(w.Ego.Position.X > 396 && w.Ego.Position.X < 400);
    }

    [Fact]
    public void CompletionNeedsBothOver99PercentAndWithin10Metres()
    {
        var (w, m) = Setup(StraightRoute());
        // Drive up near the end, 12 m to the side: past 99 % but too far from the end point.
        while (w.Ego.Position.X < 380) Cruise(w, m, 12, 1);
        w.PlaceEgo(new Vec2(w.Ego.Position.X, -5.25 + 12), 0, 12);
        while (w.Ego.Position.X < 398.5) Cruise(w, m, 12, 1);
        Assert.True(m.RouteCompletion > 99);
        Assert.False(m.RouteCompleted);
        w.PlaceEgo(new Vec2(w.Ego.Position.X, -5.25), 0, 2);
        Cruise(w, m, 2, 1);
        Assert.True(m.RouteCompleted);
        Assert.Equal(100, m.RouteCompletion);
    }

    [Fact]
    public void SkippingAheadEarnsNoCompletion()
    {
        var (w, m) = Setup(StraightRoute());
        while (w.Ego.Position.X < 50) Cruise(w, m, 10, 1);
        double before = m.RouteCompletion;
        w.PlaceEgo(new Vec2(300, -5.25), 0, 10);
        Cruise(w, m, 10, 20);
        // At most the two points of the window in the step before the jump ends the route (route deviation).
        Assert.InRange(m.RouteCompletion, before, before + 0.5);
        Assert.Equal(EpisodeEnd.RouteDeviation, m.End);
    }

    // ---- termination rules ----

    [Fact]
    public void CaRLRulesEndOnCollisionsLeaderboardRulesDoNot()
    {
        foreach (var rules in new[] { TerminationRules.Leaderboard, TerminationRules.CaRL })
        {
            var (w, m) = Setup(StraightRoute(), rules: rules);
            w.PlaceEgo(new Vec2(10, -5.25), 0, 8);
            w.AddStaticActor(ActorKind.StaticObject, new Vec2(25, -5.25), 0, 0.25, 0.25);
            Cruise(w, m, 8, 40);
            Assert.Single(Of(m, InfractionKind.CollisionLayout));
            Assert.Equal(rules == TerminationRules.CaRL ? EpisodeEnd.Collision : EpisodeEnd.None, m.End);
        }
    }

    [Fact]
    public void CaRLRulesEndWhenTheFootprintLeavesTheRoad()
    {
        var (w, m) = Setup(StraightRoute(), rules: TerminationRules.CaRL);
        // Partly on the lane (a third of the footprint off the road), then wholly on the shoulder.
        w.PlaceEgo(new Vec2(12, -7.9), 0, 3);
        Cruise(w, m, 3, 2);
        Assert.Equal(EpisodeEnd.None, m.End);
        Assert.InRange(m.OffRoadFraction, 0.5, 0.8);
        w.PlaceEgo(new Vec2(w.Ego.Position.X, -9.0), 0, 3);
        Cruise(w, m, 3, 1);
        Assert.Equal(EpisodeEnd.OffRoad, m.End);
        Assert.Equal(1, m.OffRoadFraction);
    }

    [Fact]
    public void AnObstacleScenarioNotPassedWithin240SecondsTimesOut()
    {
        var route = StraightRoute();
        var rules = TerminationRules.Leaderboard with { EndOnBlocked = false };
        var (w, m) = Setup(route, new WorldOptions { Obstacles = 1 }, rules);
        var sc = Assert.Single(w.Scenarios.ToArray());
        Assert.True(sc.Kind is ScenarioKind.Cones or ScenarioKind.Accident);
        while (w.RouteProgress < sc.RouteStart - 30) Cruise(w, m, 10, 1);
        while (w.Time < sc.RouteStart / 10 + 260) Cruise(w, m, 0, 1);
        Assert.Single(Of(m, InfractionKind.ScenarioTimeout));
        Assert.Equal(ScenarioStatus.TimedOut, w.Scenarios[0].Status);
        Assert.Single(Of(m, InfractionKind.VehicleBlocked));
        Assert.False(m.Ended);
    }

    // ---- messages and rounding ----

    [Theory]
    [InlineData(2.675, 2, 2.67)]
    [InlineData(0.125, 2, 0.12)]
    [InlineData(0.375, 2, 0.38)]
    [InlineData(1.005, 2, 1.0)]
    [InlineData(2.5, 0, 2.0)]
    [InlineData(3.5, 0, 4.0)]
    [InlineData(-1.2345, 3, -1.234)]
    [InlineData(99.995, 2, 100.0)]
    [InlineData(0.285, 2, 0.28)]
    [InlineData(1.015, 2, 1.01)]
    [InlineData(123.4565, 3, 123.457)]
    [InlineData(12.3456789, 3, 12.346)]
    public void RoundingFollowsPython(double x, int digits, double expected) => Assert.Equal(expected, PyFloat.Round(x, digits));

    [Fact]
    public void FloatsPrintAsPythonDoes()
    {
        Assert.Equal("12.5", PyFloat.Str(12.5));
        Assert.Equal("100.0", PyFloat.Str(100));
        Assert.Equal("0.1", PyFloat.Str(0.1));
        Assert.Equal("-3.25", PyFloat.Str(-3.25));
    }
}

using System.Diagnostics;
using ControlRL.Envs.Driving.Expert;
using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;
using Xunit.Abstractions;

namespace ControlRL.Envs.Driving.Tests;

public class SimTrafficTests(ITestOutputHelper output)
{
    private static DrivingWorld World(Route route, WorldOptions? o = null, ulong seed = 1)
    {
        var w = new DrivingWorld(route.Town, route, o ?? new WorldOptions());
        w.Reset(seed);
        return w;
    }

    // ---- IDM ----

    [Fact]
    public void IdmFollowerStopsBehindAStoppedLeaderAtTheMinimumGap()
    {
        var idm = new IdmParameters(1.5, 3.0, 1.2, 2.0);
        double v = 12, gap = 80;
        for (int i = 0; i < 600; i++)
        {
            double a = Math.Max(-8, idm.Follow(v, 14, 0, gap));
            double v1 = Math.Max(0, v + a * 0.1);
            gap -= 0.5 * (v + v1) * 0.1;
            v = v1;
        }
        Assert.True(v < 0.05);
        Assert.InRange(gap, 1.9, 2.3);
    }

    [Fact]
    public void IdmConvergesToTheDesiredSpeedOnAFreeRoad()
    {
        var idm = new IdmParameters(1.5, 3.0, 1.2, 2.0);
        double v = 0;
        for (int i = 0; i < 600; i++) v += idm.Free(v, 12) * 0.1;
        Assert.Equal(12, v, 1);
    }

    [Fact]
    public void TrafficStopsBehindTheStandingEgoAndReachesItsSpeedOnAFreeLane()
    {
        var w = World(TestTowns.RouteThrough(TestTowns.Straight(600), "s", 1));
        w.PlaceEgo(new Vec2(150, -5.25), 0, 0);
        w.AddVehicle(1, 70, 10, idm: new IdmParameters(1.5, 3.0, 1.2, 2.0));
        w.AddVehicle(0, 100, 8, speedFactor: 0.8);
        for (int i = 0; i < 120; i++) w.Step(0, -1);
        var free = w.Actors.ToArray().Single(a => a.Box.Centre.Y > -4);
        Assert.Equal(0.8 * TestTowns.Limit, free.Speed, 1);
        for (int i = 0; i < 300; i++) w.Step(0, -1);
        var follower = w.Actors.ToArray().Single(a => a.Box.Centre.Y < -4);
        double gap = w.EgoBox.Centre.X - w.EgoBox.HalfLength - (follower.Box.Centre.X + follower.Box.HalfLength);
        Assert.True(follower.Speed < 0.05);
        Assert.InRange(gap, 1.9, 2.5);
    }

    // ---- lights ----

    [Fact]
    public void LightsCycleGreenYellowRedByPhaseGroup()
    {
        var t = new SignalTiming(12, 3, 1, 0);
        Assert.Equal((LightState.Green, 7.0), SignalController.Evaluate(t, 2, 0, 5));
        Assert.Equal(LightState.Yellow, SignalController.Evaluate(t, 2, 0, 13).State);
        Assert.Equal(LightState.Red, SignalController.Evaluate(t, 2, 0, 15.5).State);
        Assert.Equal(LightState.Red, SignalController.Evaluate(t, 2, 1, 15.5).State);
        Assert.Equal(LightState.Green, SignalController.Evaluate(t, 2, 1, 16).State);
        Assert.Equal(LightState.Yellow, SignalController.Evaluate(t, 2, 1, 29).State);
        Assert.Equal(LightState.Green, SignalController.Evaluate(t, 2, 0, 32 + 1).State);
        Assert.Equal(16.0, SignalController.Evaluate(t, 2, 0, 16).Remaining, 9);

        var town = TestTowns.Crossroads(JunctionControl.TrafficLights);
        var w = World(town.Route(TestTowns.Arm.South, Turn.Straight));
        int ns = w.Town.Lanes[town.Incoming(TestTowns.Arm.South)].SignalId, ew = w.Town.Lanes[town.Incoming(TestTowns.Arm.East)].SignalId;
        w.SetLightClock(3);
        Assert.Equal(LightState.Green, w.SignalState(ns));
        Assert.Equal(LightState.Red, w.SignalState(ew));
        // Stepping advances the clock: after 10 s North/South turn yellow.
        for (int i = 0; i < 100; i++) w.Step(0, -1);
        Assert.Equal(LightState.Yellow, w.SignalState(ns));
        Assert.Equal(2.0, w.Signals.TimeToRed(ns), 6);
        for (int i = 0; i < 40; i++) w.Step(0, -1);
        Assert.Equal(LightState.Red, w.SignalState(ns));
        Assert.Equal(LightState.Green, w.SignalState(ew));
    }

    [Fact]
    public void TrafficStopsAtARedLightAndGoesOnGreen()
    {
        var town = TestTowns.Crossroads(JunctionControl.TrafficLights, arm: 120);
        var w = World(town.Route(TestTowns.Arm.West, Turn.Straight));
        w.PlaceEgo(new Vec2(-40, -1.75), 0, 0);
        w.SetLightClock(18); // North/South red until 32 s
        int lane = town.Incoming(TestTowns.Arm.South);
        w.AddVehicle(lane, 40, 12);
        double lineY = -town.HalfSize;
        double front = double.NegativeInfinity;
        for (int i = 0; i < 120; i++)
        {
            w.Step(0, -1);
            var v = w.Actors.ToArray().Single(a => a.Kind == ActorKind.Vehicle);
            front = v.Box.Centre.Y + v.Box.HalfLength;
            Assert.True(front < lineY, $"entered on red at t={w.Time}");
        }
        Assert.InRange(front, lineY - 3, lineY);
        for (int i = 0; i < 100; i++) w.Step(0, -1);
        var after = w.Actors.ToArray().Single(a => a.Kind == ActorKind.Vehicle);
        Assert.True(after.Box.Centre.Y > lineY + 10);
    }

    [Fact]
    public void TrafficMakesAFullStopAtAStopSign()
    {
        var town = TestTowns.Crossroads(JunctionControl.AllWayStop, arm: 120);
        var w = World(town.Route(TestTowns.Arm.West, Turn.Straight));
        w.PlaceEgo(new Vec2(-40, -1.75), 0, 0);
        w.AddVehicle(town.Incoming(TestTowns.Arm.South), 60, 12);
        double minSpeedNearLine = double.PositiveInfinity;
        for (int i = 0; i < 300; i++)
        {
            w.Step(0, -1);
            var v = w.Actors.ToArray().SingleOrDefault(a => a.Kind == ActorKind.Vehicle);
            if (v.Box.HalfLength == 0) break;
            double toLine = -town.HalfSize - (v.Box.Centre.Y + v.Box.HalfLength);
            if (toLine > 0 && toLine < 5) minSpeedNearLine = Math.Min(minSpeedNearLine, v.Speed);
        }
        Assert.True(minSpeedNearLine < 0.1);
        var last = w.Actors.ToArray().Where(a => a.Kind == ActorKind.Vehicle).ToArray();
        // Then it went on into the junction.
        Assert.True(last.Length == 0 || last[0].Box.Centre.Y > -town.HalfSize);
    }

    // ---- spawning, parked cars, scenarios ----

    [Fact]
    public void ResetSpawnsTrafficPedestriansAndParkedCarsAtTheAskedDensities()
    {
        var town = TestTowns.Crossroads(JunctionControl.TrafficLights, arm: 200, lanesPerDirection: 2, crosswalks: true);
        var w = World(town.Route(TestTowns.Arm.South, Turn.Straight), new WorldOptions { VehiclesPerKm = 30, PedestriansPerKm = 40, ParkedPerKm = 30 });
        var actors = w.Actors.ToArray();
        int vehicles = actors.Count(a => a.Kind == ActorKind.Vehicle);
        Assert.InRange(vehicles, 0.7 * w.TargetVehicleCount, w.TargetVehicleCount);
        Assert.True(w.TargetVehicleCount >= 8);
        Assert.InRange(actors.Count(a => a.Kind == ActorKind.Pedestrian), 0.7 * w.TargetPedestrianCount, w.TargetPedestrianCount);
        Assert.True(actors.Count(a => a.Kind == ActorKind.ParkedVehicle) > 5);
        Assert.Equal(actors.Length, actors.Select(a => a.Id).Distinct().Count());
        // Nothing overlaps anything, and parked cars leave the widest vehicle room in its lane.
        for (int i = 0; i < actors.Length; i++)
            for (int k = i + 1; k < actors.Length; k++)
                Assert.False(actors[i].Box.Overlaps(actors[k].Box), $"{actors[i]} overlaps {actors[k]}");
        foreach (var p in actors.Where(a => a.Kind == ActorKind.ParkedVehicle))
        {
            Assert.True(w.Surface.Nearest(p.Box.Centre, out var hit));
            var lane = w.Town.Lanes[hit.Lane];
            Assert.Equal(-1, lane.RightNeighbour);
            double h = lane.Centre.HeadingAt(hit.S);
            var corridor = new OrientedBox(lane.Centre.PointAt(hit.S), h, 3, 2.1 / 2);
            Assert.False(p.Box.Overlaps(corridor));
        }
        Assert.DoesNotContain(actors, a => a.Box.Overlaps(w.EgoBox));
    }

    [Fact]
    public void AJaywalkerStepsOutWhenTheEgoIsAboutToReachTheCrossingPoint()
    {
        var route = TestTowns.RouteThrough(TestTowns.Straight(), "s", 1);
        var w = World(route, new WorldOptions { Jaywalkers = 1 });
        var sc = Assert.Single(w.Scenarios.ToArray());
        Assert.Equal(ScenarioKind.Jaywalker, sc.Kind);
        Assert.Equal(0, w.Actors.ToArray().Count(a => a.Kind == ActorKind.Pedestrian));
        Assert.Single(w.Actors.ToArray(), a => a.Kind == ActorKind.StaticObject);
        double triggeredAt = double.NaN;
        for (int i = 0; i < 600 && double.IsNaN(triggeredAt); i++)
        {
            w.Step(0, Math.Clamp((10 - w.Ego.Speed) * 1.5 + 0.06, -1, 1));
            if (w.Scenarios[0].Status == ScenarioStatus.Active) triggeredAt = sc.RouteStart - w.RouteProgress;
        }
        // Within 2.1 s at 10 m/s of the crossing point.
        Assert.InRange(triggeredAt, 15, 22);
        var ped = Assert.Single(w.Actors.ToArray(), a => a.Kind == ActorKind.Pedestrian);
        Assert.Equal(2.0, ped.Speed, 6);
        Assert.True(ped.Velocity.Y > 1.9);
    }

    [Fact]
    public void ObstacleScenariosCloseARouteLaneWithANeighbourOpen()
    {
        var route = TestTowns.RouteThrough(TestTowns.Straight(), "s", 1);
        for (ulong seed = 0; seed < 6; seed++)
        {
            var w = World(route, new WorldOptions { Obstacles = 1 }, seed);
            var sc = Assert.Single(w.Scenarios.ToArray());
            var blockers = w.Actors.ToArray().Where(a => a.Kind is ActorKind.StaticObject or ActorKind.ParkedVehicle).ToArray();
            Assert.NotEmpty(blockers);
            foreach (var b in blockers)
            {
                Assert.InRange(b.Box.Centre.X, sc.RouteStart - 1, sc.RouteEnd + 3);
                // In lane 1 (y from -7 to -3.5), leaving lane 0 free.
                Assert.InRange(b.Box.Centre.Y, -7, -3.5);
            }
        }
    }

    // ---- determinism and speed ----

    private static DrivingWorld BusyWorld()
    {
        var town = TestTowns.Crossroads(JunctionControl.TrafficLights, arm: 150, lanesPerDirection: 2, crosswalks: true);
        var route = town.Route(TestTowns.Arm.South, Turn.Left);
        return new DrivingWorld(route.Town, route, new WorldOptions { VehiclesPerKm = 25, PedestriansPerKm = 40, ParkedPerKm = 20, Obstacles = 1, Jaywalkers = 1 });
    }

    private static ulong RolloutHash(ulong seed, int steps, DrivingWorld? world = null)
    {
        var w = world ?? BusyWorld();
        w.Reset(seed);
        var expert = new RuleBasedExpert();
        expert.Reset(w);
        Span<float> act = stackalloc float[2];
        for (int i = 0; i < steps; i++)
        {
            expert.Act(w, act);
            w.Step(act[0], act[1]);
        }
        ulong h = 1469598103934665603UL;
        void Mix(double x)
        {
            h ^= (ulong)BitConverter.DoubleToInt64Bits(x);
            h *= 1099511628211UL;
        }
        foreach (var a in w.Actors)
        {
            Mix(a.Id);
            Mix((int)a.Kind);
            Mix(a.Box.Centre.X);
            Mix(a.Box.Centre.Y);
            Mix(a.Box.Heading);
            Mix(a.Velocity.X);
            Mix(a.Velocity.Y);
        }
        Mix(w.Ego.Position.X);
        Mix(w.Ego.Position.Y);
        Mix(w.Ego.Speed);
        foreach (var s in w.SignalStates) Mix((int)s);
        return h;
    }

    [Fact]
    public void ARolloutIsDeterminedByItsSeed()
    {
        ulong a = RolloutHash(7, 300), b = RolloutHash(7, 300), c = RolloutHash(8, 300);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // A reset leaves nothing of the previous episode behind.
        var reused = BusyWorld();
        Assert.Equal(c, RolloutHash(8, 300, reused));
        Assert.Equal(a, RolloutHash(7, 300, reused));
    }

    [Fact]
    public void StepsAreFastAndAllocateNothing()
    {
        // The ego waits mid-road (its route starts there) while traffic and pedestrians pass: about 30 vehicles and
        // 30 pedestrians within the spawn radius.
        var road = TestTowns.Straight(1000, pieces: 2);
        var route = TestTowns.RouteThrough(road, "mid", 5);
        var w = World(route, new WorldOptions { VehiclesPerKm = 60, PedestriansPerKm = 220, ParkedPerKm = 20 }, 3);
        var m = new InfractionMonitor(w);
        m.Reset();
        // Warm up past tiered compilation before measuring.
        for (int i = 0; i < 600; i++)
        {
            w.Step(0, -1);
            m.Update();
        }
        const int n = 400;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < n; i++)
        {
            w.Step(0, -1);
            m.Update();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        double stepTime = 0;
        long actors = 0, nearVehicles = 0, nearPeds = 0;
        var sw = new Stopwatch();
        for (int i = 0; i < n; i++)
        {
            sw.Restart();
            w.Step(0, -1);
            m.Update();
            stepTime += sw.Elapsed.TotalSeconds;
            actors += w.Actors.Length;
            foreach (var a in w.Actors)
                if ((a.Box.Centre - w.Ego.Position).Length < w.Options.SpawnRadius)
                {
                    if (a.Kind == ActorKind.Vehicle) nearVehicles++;
                    if (a.Kind == ActorKind.Pedestrian) nearPeds++;
                }
        }
        double us = stepTime / n * 1e6;
        double veh = nearVehicles / (double)n, peds = nearPeds / (double)n;
        output.WriteLine($"world step + infractions: {us:0.0} us/step ({1e6 / us:0} steps/s); {actors / (double)n:0.0} actors, {veh:0.0} vehicles and {peds:0.0} pedestrians within {w.Options.SpawnRadius} m; {allocated} bytes allocated in {n} steps");
        Assert.Equal(0, allocated);
        Assert.True(veh >= 20 && peds >= 30, $"only {veh:0.0} vehicles and {peds:0.0} pedestrians near the ego");
        // Loose bound (shared test machines); the measured figure is in the output.
        Assert.True(us < 2000, $"{us:0} us per step");
    }
}

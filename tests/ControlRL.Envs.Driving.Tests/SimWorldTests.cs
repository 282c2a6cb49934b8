using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Tests;

public class SimWorldTests
{
    [Fact]
    public void OptionsComeFromRouteConditions()
    {
        var o = WorldOptions.FromConditions(new Dictionary<string, double>
        {
            ["VehiclesPerKm"] = 20, ["PedestriansPerKm"] = 15, ["ParkedPerKm"] = 10, ["Obstacles"] = 2, ["Jaywalkers"] = 1,
        }, trafficSeed: 9);
        Assert.Equal(20, o.VehiclesPerKm);
        Assert.Equal(15, o.PedestriansPerKm);
        Assert.Equal(10, o.ParkedPerKm);
        Assert.Equal(2, o.Obstacles);
        Assert.Equal(1, o.Jaywalkers);
        Assert.Equal(9UL, o.TrafficSeed);
        Assert.Contains("Cars", Assert.Throws<ArgumentException>(() => WorldOptions.FromConditions([new("Cars", 3)])).Message);
        Assert.Throws<ArgumentException>(() => WorldOptions.FromConditions([new("Obstacles", 1.5)]));
        Assert.Throws<ArgumentException>(() => WorldOptions.FromConditions([new("VehiclesPerKm", double.NaN)]));
    }

    [Fact]
    public void BadInputIsRefusedWithAClearMessage()
    {
        var town = TestTowns.Straight();
        var route = TestTowns.RouteThrough(town, "r", 1);
        var ex = Assert.Throws<ArgumentException>(() => new DrivingWorld(town, route, new WorldOptions { SpawnRadius = 200 }));
        Assert.Contains("DespawnRadius", ex.Message);
        Assert.Throws<ArgumentException>(() => new DrivingWorld(TestTowns.Straight(), route));
        var w = new DrivingWorld(town, route);
        Assert.Throws<InvalidOperationException>(() => w.Step(0, 0));
        w.Reset(0);
        Assert.Contains("steer", Assert.Throws<ArgumentException>(() => w.Step(double.NaN, 0)).Message);
        Assert.Throws<ArgumentException>(() => new DrivingWorld(town, route, new WorldOptions { Ego = EgoParameters.LincolnMkz2020 with { Wheelbase = -1 } }));
    }

    [Fact]
    public void TheEgoStartsAtTheRouteStartOnItsLane()
    {
        var town = TestTowns.Crossroads(JunctionControl.TrafficLights);
        var route = town.Route(TestTowns.Arm.East, Turn.Left);
        var w = new DrivingWorld(route.Town, route, new WorldOptions { StartSpeed = 3 });
        w.Reset(4);
        Assert.Equal(route.Path.Start, w.EgoBox.Centre);
        Assert.Equal(Math.PI, Math.Abs(w.Ego.Heading), 9);
        Assert.Equal(3, w.EgoSpeed);
        Assert.Equal(town.Incoming(TestTowns.Arm.East), w.EgoLane);
        Assert.Equal(0, w.RouteProgress, 9);
        Assert.Equal(town.Connector(TestTowns.Arm.East, Turn.Left), w.EgoGateConnector);
    }

    [Fact]
    public void AWorldSwitchesRoutesBetweenEpisodes()
    {
        var town = TestTowns.Crossroads(JunctionControl.TrafficLights);
        var first = town.Route(TestTowns.Arm.South, Turn.Straight);
        var second = town.Route(TestTowns.Arm.West, Turn.Left);
        var w = new DrivingWorld(town.Town, first, new WorldOptions { ParkedPerKm = 30 });
        var m = new ControlRL.Envs.Driving.Infractions.InfractionMonitor(w);
        w.Reset(1);
        m.Reset();
        w.SetRoute(second);
        Assert.Throws<InvalidOperationException>(() => w.Step(0, 0));
        w.Reset(1);
        m.Reset();
        Assert.Equal(second.Path.Start, w.EgoBox.Centre);
        Assert.Same(second, w.Route);
        Assert.Equal(second.Path.Length, m.RoutePoints.Length, 0.1);
        for (int i = 0; i < 20; i++)
        {
            w.Step(0, 0.5);
            m.Update();
        }
        Assert.True(m.RouteCompletion > 0);
        Assert.Throws<ArgumentException>(() => w.SetRoute(TestTowns.RouteThrough(TestTowns.Straight(), "other", 1)));
    }

    [Fact]
    public void MeasurementsDescribeTheEgoAndWhatIsAhead()
    {
        var town = TestTowns.Crossroads(JunctionControl.TrafficLights, arm: 80);
        var route = town.Route(TestTowns.Arm.South, Turn.Straight);
        var w = new DrivingWorld(route.Town, route);
        w.Reset(2);
        w.SetLightClock(20);
        var ahead = w.AddStaticActor(ActorKind.ParkedVehicle, new Vec2(1.75, -60), Math.PI / 2, 2.3, 0.9);
        for (int i = 0; i < 20; i++) w.Step(0.1, 0.6);
        var m = w.Measurements;
        Assert.Equal(w.Ego.Speed, m.Speed);
        Assert.Equal(0.1, m.Steer, 6);
        Assert.Equal(0.6, m.Throttle, 6);
        Assert.Equal(0, m.Brake);
        Assert.Equal(TestTowns.Limit, m.SpeedLimit);
        Assert.True(m.VelocityY > 0);
        Span<float> v = stackalloc float[EgoMeasurements.Count];
        m.CopyTo(v);
        Assert.Equal((float)m.VelocityX, v[4]);

        var r = w.GetRouteMeasurements();
        int sig = w.Town.Lanes[town.Incoming(TestTowns.Arm.South)].SignalId;
        Assert.Equal(w.SignalState(sig), r.NextLightState);
        Assert.Equal(-town.HalfSize - (w.EgoBox.Centre.Y + w.EgoBox.HalfLength), r.NextLightDistance, 1);
        Assert.True(double.IsPositiveInfinity(r.NextStopDistance));
        Assert.Equal(w.RouteInfo.Length - w.RouteProgress, r.DistanceToRouteEnd, 9);
        Assert.True(r.LateralOffset > 0);
        Assert.Equal(-60 - 2.3 - (w.EgoBox.Centre.Y + w.EgoBox.HalfLength), r.LeaderDistance, 0);
        Assert.Equal(0, r.LeaderSpeed);
        Assert.True(ahead > 0);
    }
}

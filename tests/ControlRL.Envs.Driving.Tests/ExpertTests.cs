using ControlRL.Envs.Driving.Expert;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;
using Xunit.Abstractions;

namespace ControlRL.Envs.Driving.Tests;

public class ExpertTests(ITestOutputHelper output)
{
    internal sealed record Outcome(EpisodeEnd End, double Completion, IReadOnlyList<InfractionEvent> Events, int Steps, double Time);

    internal static Outcome Drive(Route route, WorldOptions options, ulong seed, int maxSteps = 3000, TerminationRules? rules = null)
    {
        var world = new DrivingWorld(route.Town, route, options);
        var monitor = new InfractionMonitor(world, rules);
        var expert = new RuleBasedExpert();
        world.Reset(seed);
        monitor.Reset();
        expert.Reset(world);
        Span<float> action = stackalloc float[2];
        int steps = 0;
        while (steps < maxSteps && !monitor.Ended)
        {
            expert.Act(world, action);
            world.Step(action[0], action[1]);
            monitor.Update();
            steps++;
        }
        monitor.Finish();
        return new Outcome(monitor.End, monitor.RouteCompletion, [.. monitor.Events], steps, world.Time);
    }

    private void Report(string name, Outcome o)
    {
        output.WriteLine($"{name}: end {o.End}, RC {o.Completion}, {o.Steps} steps, {o.Events.Count} events");
        foreach (var e in o.Events) output.WriteLine($"   t={e.Time:0.0} {e.Kind}: {e.Message()}");
    }

    public static TheoryData<string> Routes() => ["straight", "curve", "lights-straight", "lights-left", "lights-right", "allway-straight", "allway-left", "minor-straight", "minor-left", "major-left"];

    internal static Route MakeRoute(string name) => name switch
    {
        "straight" => TestTowns.RouteThrough(TestTowns.Straight(), "straight", 1),
        "curve" => TestTowns.RouteThrough(TestTowns.Curve(), "curve", 0),
        "lights-straight" => TestTowns.Crossroads(JunctionControl.TrafficLights, crosswalks: true).Route(TestTowns.Arm.South, Turn.Straight),
        "lights-left" => TestTowns.Crossroads(JunctionControl.TrafficLights, crosswalks: true).Route(TestTowns.Arm.South, Turn.Left),
        "lights-right" => TestTowns.Crossroads(JunctionControl.TrafficLights, crosswalks: true).Route(TestTowns.Arm.East, Turn.Right),
        "allway-straight" => TestTowns.Crossroads(JunctionControl.AllWayStop, crosswalks: true).Route(TestTowns.Arm.West, Turn.Straight),
        "allway-left" => TestTowns.Crossroads(JunctionControl.AllWayStop).Route(TestTowns.Arm.North, Turn.Left),
        "minor-straight" => TestTowns.Crossroads(JunctionControl.MinorStop).Route(TestTowns.Arm.South, Turn.Straight),
        "minor-left" => TestTowns.Crossroads(JunctionControl.MinorStop).Route(TestTowns.Arm.North, Turn.Left),
        "major-left" => TestTowns.Crossroads(JunctionControl.MinorStop).Route(TestTowns.Arm.East, Turn.Left),
        _ => throw new ArgumentException(name),
    };

    private static readonly WorldOptions Traffic = new() { VehiclesPerKm = 25, PedestriansPerKm = 30, ParkedPerKm = 20 };

    [Theory]
    [MemberData(nameof(Routes))]
    public void CompletesRoutesInTrafficWithoutInfractions(string name)
    {
        var route = MakeRoute(name);
        for (ulong seed = 0; seed < 3; seed++)
        {
            var o = Drive(route, Traffic, 100 + seed);
            Report($"{name} seed {100 + seed}", o);
            Assert.Equal(EpisodeEnd.Completed, o.End);
            // The minimum-speed checkpoints compare with traffic that does not wait at this junction; nothing else.
            Assert.All(o.Events, e => Assert.Equal(InfractionKind.MinSpeed, e.Kind));
        }
    }

    [Theory]
    [InlineData("straight")]
    [InlineData("straight-inner")]
    [InlineData("lights2-straight")]
    public void PassesObstaclesAndJaywalkersWithoutInfractions(string name)
    {
        var route = name switch
        {
            "straight" => TestTowns.RouteThrough(TestTowns.Straight(), "straight", 1),
            "straight-inner" => TestTowns.RouteThrough(TestTowns.Straight(), "straight-inner", 0),
            _ => TestTowns.Crossroads(JunctionControl.TrafficLights, lanesPerDirection: 2, crosswalks: true).Route(TestTowns.Arm.West, Turn.Straight, 1),
        };
        for (ulong seed = 0; seed < 3; seed++)
        {
            var o = Drive(route, Traffic with { Obstacles = 1, Jaywalkers = 1 }, 200 + seed);
            Report($"{name} seed {200 + seed}", o);
            Assert.Equal(EpisodeEnd.Completed, o.End);
            Assert.All(o.Events, e => Assert.Equal(InfractionKind.MinSpeed, e.Kind));
        }
    }

    [Fact]
    public void ActsAsAPolicyThroughTheInterface()
    {
        IDrivingExpert expert = new RuleBasedExpert();
        var route = MakeRoute("lights-left");
        var world = new DrivingWorld(route.Town, route);
        world.Reset(5);
        expert.Reset(world);
        var action = new float[2];
        expert.Act(world, action);
        Assert.InRange(action[0], -1, 1);
        Assert.InRange(action[1], -1, 1);
        // At rest at the route start with nothing ahead: it pulls away.
        Assert.True(action[1] > 0.3f);
        Assert.Throws<ArgumentException>(() => expert.Act(world, new float[1]));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public void CompletesRoutesWithoutTrafficCleanly(string name)
    {
        var o = Drive(MakeRoute(name), new WorldOptions(), 1);
        Report(name, o);
        Assert.Equal(EpisodeEnd.Completed, o.End);
        Assert.Empty(o.Events);
    }
}

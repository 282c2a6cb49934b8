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

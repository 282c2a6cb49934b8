using System.Security.Cryptography;
using ControlRL.Core.Checking;
using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using ControlRL.Envs.Driving.Env;
using ControlRL.Envs.Driving.Expert;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;

namespace ControlRL.Envs.Driving.Tests;

public class EnvTests
{
    private static DrivingScenario QuickRoute(int index) => DrivingScenario.FromSuite(DrivingData.Suite("quick").Routes[index], index);

    [Fact]
    public void SpecIsCaRLsObservationAndAction()
    {
        var spec = DrivingEnv.Describe();
        var obs = Assert.IsType<Dict>(spec.ObservationSpace);
        Assert.Equal(["bev", "measurements", "value_measurements"], obs.Entries.Select(e => e.Key));
        var bev = Assert.IsType<Box>(obs["bev"]);
        Assert.Equal([64, 64, 10], bev.Shape);
        Assert.Equal(DType.UInt8, bev.DType);
        Assert.Equal(8, obs["measurements"].FlatSize);
        Assert.Equal(10, obs["value_measurements"].FlatSize);
        var action = Assert.IsType<Box>(spec.ActionSpace);
        Assert.Equal([-1f, -1f], action.Low);
        Assert.Equal([1f, 1f], action.High);
        Assert.Equal(0.1, spec.Dt, 12);
        Assert.Contains("collisions_vehicle", spec.Events);
        Assert.Contains("route_completion", spec.Info.Select(i => i.Name));
        var carl = DrivingEnv.Describe(DrivingEnvs.Options(DrivingEnvs.CaRLEnvId));
        Assert.Equal([256, 256, 10], Assert.IsType<Box>(((Dict)carl.ObservationSpace)["bev"]).Shape);
    }

    [Fact]
    public void PassesTheEnvChecker()
    {
        using var env = new DrivingEnv();
        var problems = EnvChecker.Check(env, steps: 2000, seed: 5);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    [Fact]
    public void ARolloutIsDeterministicForItsScenario()
    {
        string a = Rollout(QuickRoute(1), 250), b = Rollout(QuickRoute(1), 250);
        Assert.Equal(a, b);
        var other = QuickRoute(1);
        other = other with { Seed = other.Seed + 1, World = other.World with { TrafficSeed = other.World.TrafficSeed + 1 } };
        Assert.NotEqual(a, Rollout(other, 250));
    }

    // Hash of every observation byte and float over an expert-driven rollout.
    private static string Rollout(DrivingScenario scenario, int steps)
    {
        using var env = new DrivingEnv();
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        var terms = new float[2];
        var info = new float[env.Spec.Info.Count];
        var action = new float[2];
        var expert = new DrivingEnvExpert();
        env.Assign(scenario);
        env.Reset(obs.Row(0));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int t = 0; t < steps; t++)
        {
            expert.Act(env, action);
            var o = env.Step(action, obs.Row(0), terms, info);
            hash.AppendData(obs.Bytes(0));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obs.Floats(1).AsSpan()));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(info.AsSpan()));
            if (o.Terminated || o.Truncated) break;
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    [Fact]
    public void TrainingEpisodesSampleRoutesInTrainingTowns()
    {
        using var env = new DrivingEnv();
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        var training = DrivingData.TrainingTowns.Select(t => t.Name).ToHashSet();
        var routes = new HashSet<string>();
        env.Reset(obs.Row(0), 3);
        for (int i = 0; i < 4; i++)
        {
            Assert.Contains(env.Scenario!.TownName, training);
            Assert.InRange(env.Scenario.Route.Length, 300, 2000);
            routes.Add($"{env.Scenario.TownName}:{env.Scenario.Route.Length:0.0}");
            env.Reset(obs.Row(0));
        }
        Assert.True(routes.Count > 1);
        Assert.Throws<ArgumentException>(() => env.SetTask([1, 1, 1, 9, 0]));
        env.SetTask([20, 5, 5, 1, 1]);
        env.Reset(obs.Row(0));
        Assert.Equal(20, env.Scenario!.World.VehiclesPerKm);
        Assert.Equal(1, env.Scenario.World.Obstacles);
    }

    [Fact]
    public void MeasurementsAndBevDescribeTheEgo()
    {
        using var env = new DrivingEnv();
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        env.Assign(QuickRoute(0));
        env.Reset(obs.Row(0));
        var terms = new float[2];
        var info = new float[env.Spec.Info.Count];
        for (int t = 0; t < 30; t++) env.Step([0f, 1f], obs.Row(0), terms, info);
        var m = obs.Floats(1);
        Assert.Equal(0f, m[0]); // steer
        Assert.True(m[1] > 0.9f); // throttle
        Assert.Equal(0f, m[2]); // brake
        Assert.True(m[6] > 5f, $"speed {m[6]}");
        Assert.Equal(m[6], m[4], 3); // straight ahead: vx = speed
        Assert.True(m[7] > 5f); // speed limit, m/s
        var v = obs.Floats(2);
        Assert.InRange(v[0], 0.99f, 1f); // remaining time
        Assert.True(v[2] > 1f); // route left / 100 m
        // The road channel is drawn under the ego (its pixel row, 25 px from the bottom, centre column).
        var bev = obs.Bytes(0);
        int row = 64 - 25, col = 32;
        Assert.NotEqual(0, bev[(row * 64 + col) * 10 + (int)Bev.BevChannel.Road]);
        Assert.True(info[0] > 0f); // route completion, percent
    }

    [Fact]
    public void SteeringFollowsCarlasSigns()
    {
        using var env = new DrivingEnv();
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        env.Assign(QuickRoute(0));
        env.Reset(obs.Row(0));
        var terms = new float[2];
        for (int t = 0; t < 30; t++) env.Step([0f, 0.6f], obs.Row(0), terms);
        double heading = env.World!.Ego.Heading;
        for (int t = 0; t < 5; t++) env.Step([0.5f, 0f], obs.Row(0), terms);
        // Positive steer turns right (clockwise in our counter-clockwise plane), as CARLA's VehicleControl.
        double turned = Geometry.Angles.Wrap(env.World.Ego.Heading - heading);
        Assert.True(turned < -0.05, $"turned {turned} rad");
        var m = obs.Floats(1);
        Assert.Equal(0.5f, m[0], 5);
        Assert.True(m[5] > 0f, $"vy {m[5]}: CARLA's lateral velocity is positive to the right");
    }

    [Fact]
    public void InvalidActionsAreRefusedByName()
    {
        using var env = new DrivingEnv();
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        env.Assign(QuickRoute(0));
        env.Reset(obs.Row(0));
        var e = Assert.Throws<InvalidActionException>(() => env.Step([float.NaN, 0f], obs.Row(0), new float[2]));
        Assert.Contains("not finite", e.Message);
        Assert.Throws<InvalidActionException>(() => env.Step([0f], obs.Row(0), new float[2]));
    }

    [Fact]
    public void AnAssignedRouteEndsWithItsFactsAndEvents()
    {
        using var env = new DrivingEnv();
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        env.Assign(QuickRoute(2));
        env.Reset(obs.Row(0));
        var terms = new float[2];
        var info = new float[env.Spec.Info.Count];
        var events = new List<EnvEvent>();
        var buffer = new EnvEvent[16];
        StepOutcome o = default;
        // Full throttle straight ahead: the route bends, so the car leaves it (collisions with the layout and a route
        // deviation, which the leaderboard ends the route with).
        for (int t = 0; t < 3000 && !(o.Terminated || o.Truncated); t++)
        {
            o = env.Step([0f, 1f], obs.Row(0), terms, info);
            int n = env.DrainEvents(buffer);
            events.AddRange(buffer.AsSpan(0, Math.Min(n, buffer.Length)));
        }
        Assert.True(o.Terminated);
        var run = env.TakeFinished();
        Assert.NotNull(run);
        Assert.Null(env.TakeFinished());
        Assert.Equal(QuickRoute(2).RouteId, run.Scenario.RouteId);
        Assert.False(run.Completed);
        Assert.True(run.RouteCompletion < 100);
        Assert.NotEqual(EpisodeEnd.None, run.LeaderboardEnd);
        Assert.NotEmpty(run.Infractions);
        Assert.Equal(run.Infractions.Count(i => i.Kind != InfractionKind.OutsideRouteLanes),
            events.Count(e => DrivingEnv.EventNames[e.Kind] != "outside_route_lanes"));
        Assert.Equal((int)run.End, (int)info[13]);
        Assert.Equal(run.Trace.Count, run.Steps);
    }
}

public class PythonRoundingAgreementTests
{
    // The per-step rounding (PyFloat: 128-bit integers, no allocation) must agree with the scoring project's
    // (PyMath), which is checked against real leaderboard files: both are Python's round() and str().
    [Fact]
    public void TheAllocationFreeRoundingAgreesWithTheScoringProjects()
    {
        var rng = new ControlRL.Core.Random.Rng(7);
        for (int i = 0; i < 20000; i++)
        {
            double x = i % 3 == 0 ? Math.Round(rng.Uniform(0, 100), 3) + 0.005 : rng.Uniform(-2000, 2000);
            int digits = i % 4;
            double a = PyFloat.Round(x, digits), b = ControlRL.Scoring.Python.PyMath.Round(x, digits);
            Assert.True(a.Equals(b), $"round({x:R}, {digits}): {a:R} vs {b:R}");
            Assert.Equal(ControlRL.Scoring.Python.PyMath.Repr(a), PyFloat.Str(a));
        }
    }

    [Fact]
    public void EventMessagesAreTheLeaderboards()
    {
        var e = new InfractionEvent(InfractionKind.CollisionVehicle, 3, 0.3, new Geometry.Vec2(1.23456, -7), Simulation.ActorKind.Vehicle, 42);
        Assert.Equal("Agent collided against object with type=vehicle.controlrl.car and id=42 at (x=1.235, y=-7.0, z=0.0)", e.Message());
        Assert.Equal(ControlRL.Scoring.Leaderboard.InfractionKind.CollisionVehicle, e.ToLeaderboard()!.Kind);
        var layout = new InfractionEvent(InfractionKind.CollisionLayout, 3, 0.3, default);
        Assert.Equal(ControlRL.Scoring.Leaderboard.InfractionKind.CollisionLayout, layout.ToLeaderboard()!.Kind);
        foreach (var kind in Enum.GetValues<InfractionKind>())
            Assert.Equal(kind.LeaderboardKey(), ControlRL.Scoring.Leaderboard.InfractionKeys.Key(kind.LeaderboardKind()));
    }
}

using ControlRL.Core.Envs;
using ControlRL.Core.Rewards;
using ControlRL.Core.Spaces;
using ControlRL.Envs.Driving.Env;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;
using ControlRL.Envs.Driving.Rewards;

namespace ControlRL.Envs.Driving.Tests.Rewards;

/// <summary>The registered ids: which reward, raster and rules each has, and what their specs say.</summary>
public class DrivingEnvIdTests
{
    [Fact]
    public void TheFirst14InfoMetricsKeepTheirPlaces()
    {
        Assert.Equal(
            ["route_completion", "driving_score", "infraction_penalty", "collisions", "red_lights", "stop_infractions", "outside_route_lanes",
             "speed_excess", "lane_centre_distance", "off_road", "ttc_violation", "comfort_violations", "speed", "end_reason"],
            DrivingEnv.InfoNames.Take(14).Select(x => x.Name));
        Assert.Equal(29, DrivingEnv.InfoNames.Count);
        Assert.Equal(DrivingEnv.InfoNames.Count, DrivingEnv.InfoNames.Select(x => x.Name).Distinct().Count());
    }

    [Theory]
    [InlineData(DrivingEnv.EnvId, "CaRL", 64, new[] { "progress", "terminal" }, "carl/speed_factor")]
    [InlineData(DrivingEnvs.CaRLEnvId, "CaRL", 256, new[] { "progress", "terminal" }, "carl/lane_distance_factor")]
    [InlineData(DrivingEnvs.RoachEnvId, "Roach", 64, new[] { "speed", "position", "rotation", "action", "terminal" }, "roach/desired_speed")]
    [InlineData(DrivingEnvs.NuPlanEnvId, "CaRL nuPlan", 64, new[] { "progress", "terminal" }, "nuplan/comfort_factor")]
    public void EachIdHasItsRewardAndRaster(string id, string reward, int raster, string[] terms, string extra)
    {
        var registry = new EnvRegistry();
        DrivingEnvs.Register(registry);
        var spec = registry.Describe(id);
        Assert.Equal(id, spec.Id);
        Assert.Equal(terms, spec.RewardTerms);
        Assert.Equal(DrivingEnv.InfoNames.Select(x => x.Name), spec.Info.Take(DrivingEnv.InfoNames.Count).Select(x => x.Name));
        Assert.Contains(extra, spec.Info.Select(x => x.Name));
        Assert.Contains($"Reward: {reward}.", spec.Notes);
        Assert.Equal([raster, raster, 10], Assert.IsType<Box>(((Dict)spec.ObservationSpace)["bev"]).Shape);
        // Built as described (the registry checks), and the driving env is found inside for benchmarks.
        using var env = registry.Make(id);
        Assert.Equal(reward, Assert.IsType<InfoRewardWrapper>(env).Reward.Name);
        var driving = env.Find<DrivingEnv>();
        Assert.NotNull(driving);
        Assert.NotNull(env.Find<IEventSource>());
        Assert.NotNull(env.Find<IRenderable>());
    }

    [Fact]
    public void EachIdEndsItsTrainingEpisodesByItsRewardsRules()
    {
        Assert.Same(TerminationRules.CaRL, DrivingEnvs.Options(DrivingEnv.EnvId).Rules);
        Assert.Same(TerminationRules.CaRL, DrivingEnvs.Options(DrivingEnvs.CaRLEnvId).Rules);
        Assert.Same(TerminationRules.Roach, DrivingEnvs.Options(DrivingEnvs.RoachEnvId).Rules);
        Assert.Same(TerminationRules.NuPlan, DrivingEnvs.Options(DrivingEnvs.NuPlanEnvId).Rules);
        Assert.Equal(ComfortLimits.NuPlan, DrivingEnvs.Options(DrivingEnvs.NuPlanEnvId).Comfort);
        Assert.Equal(ComfortLimits.CaRLCarla, DrivingEnvs.Options(DrivingEnv.EnvId).Comfort);
        Assert.IsType<RoachReward>(DrivingEnvs.Reward(DrivingEnvs.RoachEnvId));
        Assert.Throws<ArgumentException>(() => DrivingEnvs.Reward("Driving-v9"));
    }

    [Fact]
    public void ExpertStepsWithTheRewardAllocateNothing()
    {
        using var env = DrivingEnvs.Make(DrivingEnv.EnvId);
        var driving = env.Find<DrivingEnv>()!;
        // A junction with lights, traffic and pedestrians: every info metric has something to compute.
        var town = TestTowns.Crossroads(JunctionControl.TrafficLights, arm: 60, crosswalks: true);
        var route = town.Route(TestTowns.Arm.South, Turn.Left);
        driving.Assign(new DrivingScenario("junction", -1, town.Town.Name, route, new WorldOptions { VehiclesPerKm = 30, PedestriansPerKm = 30 }, 3), TerminationRules.CaRL);
        var obs = new ObservationBatch(env.Spec.ObservationSpace, 1);
        var terms = new float[env.Spec.RewardTerms.Count];
        var info = new float[env.Spec.Info.Count];
        var action = new float[2];
        var events = new EnvEvent[16];
        var expert = new DrivingEnvExpert();
        // The second drive of the same episode is measured: the first runs every code path once (lazy tables).
        long allocated = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            env.Reset(obs.Row(0));
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 0; t < 150; t++)
            {
                expert.Act(driving, action);
                var o = env.Step(action, obs.Row(0), terms, info);
                driving.DrainEvents(events);
                Assert.False(o.Terminated || o.Truncated);
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(0, allocated);
        Assert.True(info[env.Spec.RequireInfo("route_completion", "test")] > 0);
    }
}

using ControlRL.Core.Envs;
using ControlRL.Core.Rewards;
using ControlRL.Envs.Driving.Env;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Rewards;

namespace ControlRL.Envs.Driving.Tests.Rewards;

/// <summary>Each reward on constructed info: every term and factor, where the simulator would need long set-ups.</summary>
public class RewardFormulaTests
{
    private static readonly EnvSpec Spec = DrivingEnv.Describe();

    /// <summary>A step's inner terms and info, set by name; defaults describe free driving on a lane centre.</summary>
    private sealed class Inputs
    {
        public readonly float[] Terms = new float[2];
        public readonly float[] Info = new float[Spec.Info.Count];

        public Inputs()
        {
            Set("lane_width", 3.5f);
            Set("speed_limit", 13.9f);
            foreach (var h in new[] { "hazard_vehicle_distance", "hazard_pedestrian_distance", "hazard_light_distance", "hazard_stop_distance" }) Set(h, 1000f);
        }

        public Inputs Progress(float p)
        {
            Terms[0] = p;
            return this;
        }

        public Inputs Set(string name, float value)
        {
            Info[Spec.RequireInfo(name, "test")] = value;
            return this;
        }

        public Inputs End(EpisodeEnd end) => Set("end_reason", (int)end);
    }

    private static (float[] Terms, float[] Extra) Run(IInfoReward reward, Inputs x, bool terminated = false, bool truncated = false)
    {
        var terms = new float[reward.TermNames.Count];
        var extra = new float[reward.ExtraInfo.Count];
        reward.Step(x.Terms, x.Info, terminated, truncated, terms, extra);
        return (terms, extra);
    }

    private static CaRLReward CaRL(CaRLRewardOptions? o = null)
    {
        var r = new CaRLReward(o);
        r.Bind(Spec);
        r.Reset();
        return r;
    }

    // ---- CaRL ----

    [Fact]
    public void CaRLMultipliesProgressByEachFactor()
    {
        var r = CaRL();
        Assert.Equal([2f, 0f], Run(r, new Inputs().Progress(2)).Terms);
        // Speeding 1.115 m/s over: half.
        var (t, e) = Run(r, new Inputs().Progress(2).Set("speed_excess", 1.115f));
        Assert.Equal(1f, t[0], 5);
        Assert.Equal(0.5f, e[1], 5);
        Assert.Equal(0f, Run(r, new Inputs().Progress(2).Set("speed_excess", 3f)).Terms[0]);
        Assert.Equal(1f, Run(r, new Inputs().Progress(2).Set("ttc_penalty_active", 1)).Terms[0]);
        Assert.Equal(2f * (1 - 0.5f * 3 / 6), Run(r, new Inputs().Progress(2).Set("comfort_active_clocks", 3)).Terms[0], 6);
        Assert.Equal(0f, Run(r, new Inputs().Progress(2).Set("outside_route_lanes", 1)).Terms[0]);
        // 0.875 m from the centre of a 3.5 m lane: half; beyond the half width: nothing; in a junction: all.
        Assert.Equal(1f, Run(r, new Inputs().Progress(2).Set("lane_offset", 0.875f)).Terms[0], 6);
        Assert.Equal(0f, Run(r, new Inputs().Progress(2).Set("lane_offset", 2f)).Terms[0]);
        Assert.Equal(2f, Run(r, new Inputs().Progress(2).Set("lane_offset", 2f).Set("in_junction", 1)).Terms[0]);
        // All together: the product.
        var all = new Inputs().Progress(2).Set("speed_excess", 1.115f).Set("ttc_penalty_active", 1).Set("comfort_active_clocks", 6).Set("lane_offset", 0.875f);
        (t, e) = Run(r, all);
        Assert.Equal(2f * 0.5f * 0.5f * 0.5f * 0.5f, t[0], 5);
        Assert.Equal([1f, 0.5f, 0.5f, 0.5f, 0.5f], e.Select(v => MathF.Round(v, 4)));
    }

    [Fact]
    public void CaRLsTerminalRewardIsTheHintOnCollisionsAndRedLightsOnly()
    {
        var r = CaRL();
        Assert.Equal(-1f, Run(r, new Inputs().Progress(0.5f).End(EpisodeEnd.Collision), terminated: true).Terms[1]);
        Assert.Equal(0.5f, Run(r, new Inputs().Progress(0.5f).End(EpisodeEnd.Collision), terminated: true).Terms[0]);
        Assert.Equal(-1f, Run(r, new Inputs().End(EpisodeEnd.RedLight), terminated: true).Terms[1]);
        foreach (var end in new[] { EpisodeEnd.StopSign, EpisodeEnd.Blocked, EpisodeEnd.RouteDeviation, EpisodeEnd.OffRoad, EpisodeEnd.MaxTime, EpisodeEnd.RouteTimeout })
            Assert.Equal(0f, Run(r, new Inputs().End(end), terminated: true).Terms[1]);
        // Completing the route truncates: no terminal reward.
        Assert.Equal(0f, Run(r, new Inputs().End(EpisodeEnd.Completed), truncated: true).Terms[1]);
        // Without the RL hint only collisions get it; the hint and the terminal reward are options.
        var noRed = CaRL(new CaRLRewardOptions { HintOnRedLight = false, TerminalReward = -2, TerminalHint = 10 });
        Assert.Equal(-2f, Run(noRed, new Inputs().End(EpisodeEnd.RedLight), terminated: true).Terms[1]);
        Assert.Equal(-12f, Run(noRed, new Inputs().End(EpisodeEnd.Collision), terminated: true).Terms[1]);
        Assert.Equal(0f, Run(CaRL(new CaRLRewardOptions { TerminationHint = false }), new Inputs().End(EpisodeEnd.Collision), terminated: true).Terms[1]);
    }

    [Fact]
    public void EachCaRLPenaltyCanBeSwitchedOff()
    {
        var off = CaRL(new CaRLRewardOptions { OutsideRouteLanes = false, Speeding = false, Ttc = false, Comfort = false, LaneDistance = LaneDistancePenalty.Off });
        var all = new Inputs().Progress(2).Set("outside_route_lanes", 1).Set("speed_excess", 5).Set("ttc_penalty_active", 1).Set("comfort_active_clocks", 6).Set("lane_offset", 1.5f);
        var (t, e) = Run(off, all);
        Assert.Equal(2f, t[0]);
        Assert.All(e, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void CaRLsLaneDistanceThresholdAndSoftenerAndTheCounterForm()
    {
        var soft = CaRL(new CaRLRewardOptions { LaneDistanceThreshold = 0.5, LaneDistanceSoftener = 0.5 });
        // (1.125 - 0.5) / (1.75 - 0.5) = 0.5, softened by half: 0.75.
        Assert.Equal(0.75f, Run(soft, new Inputs().Progress(1).Set("lane_offset", 1.125f)).Extra[4], 5);
        Assert.Equal(1f, Run(soft, new Inputs().Progress(1).Set("lane_offset", 0.4f)).Extra[4]);

        var counter = CaRL(new CaRLRewardOptions { LaneDistance = LaneDistancePenalty.Counter, LaneDistanceThreshold = 0.5 });
        var off = new Inputs().Progress(1).Set("lane_offset", 0.8f);
        var on = new Inputs().Progress(1).Set("lane_offset", 0.1f);
        // 30 steps over the threshold are a lane change; the 31st halves progress.
        for (int i = 0; i < 30; i++) Assert.Equal(1f, Run(counter, off).Terms[0]);
        Assert.Equal(0.5f, Run(counter, off).Terms[0]);
        Assert.Equal(0.5f, Run(counter, off).Terms[0]);
        // Back on the centre the counter falls one a step (32, 31, 30: not over 30 any more).
        Assert.Equal(0.5f, Run(counter, on).Terms[0]);
        Assert.Equal(1f, Run(counter, on).Terms[0]);
        // A new episode starts at zero.
        for (int i = 0; i < 40; i++) Run(counter, off);
        counter.Reset();
        Assert.Equal(1f, Run(counter, off).Terms[0]);
    }

    [Fact]
    public void BadCaRLOptionsAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => new CaRLReward(new CaRLRewardOptions { MaxOverspeed = 0 }));
        Assert.Contains("MaxOverspeed", e.Message);
        Assert.Contains("TtcFactor", Assert.Throws<ArgumentException>(() => new CaRLReward(new CaRLRewardOptions { TtcFactor = 2 })).Message);
        Assert.Throws<InvalidOperationException>(() => Run(new CaRLReward(), new Inputs()));
    }

    // ---- nuPlan ----

    private static CaRLNuPlanReward NuPlan(CaRLNuPlanRewardOptions? o = null)
    {
        var r = new CaRLNuPlanReward(o);
        r.Bind(Spec);
        r.Reset();
        return r;
    }

    [Fact]
    public void NuPlanRewardIsProgressTimesTheFactorsUntilATermination()
    {
        var r = NuPlan();
        Assert.Equal([0.4f, 0f], Run(r, new Inputs().Progress(0.4f)).Terms);
        var (t, e) = Run(r, new Inputs().Progress(0.4f).Set("speed_excess", 1.115f).Set("comfort_metrics_violated", 3).Set("lane_offset", 1.125f));
        // too fast 0.5, comfort 3 of 6 exceeded: 0.5, lane 1 - 0.5 x (1.125 - 0.5) / 1.25 = 0.75.
        Assert.Equal(0.4f * 0.5f * 0.5f * 0.75f, t[0], 5);
        Assert.Equal([1f, 0.75f, 0.5f, 0.5f, 1f], e.Select(v => MathF.Round(v, 4)));
        Assert.Equal(0f, Run(r, new Inputs().Progress(0.4f).Set("outside_route_lanes", 1)).Terms[0]);
        // The centre beyond the nearest lane's edge: no lane contains it, so no lane-distance factor.
        Assert.Equal(1f, Run(r, new Inputs().Progress(0.4f).Set("lane_offset", 1.8f)).Extra[1]);
        Assert.Equal(1f, Run(r, new Inputs().Progress(0.4f).Set("lane_offset", 1.5f).Set("in_junction", 1)).Extra[1]);
        // The terminating step earns no progress.
        Assert.Equal(0f, Run(r, new Inputs().Progress(0.4f).End(EpisodeEnd.OffRoad), terminated: true).Terms[0]);
        // Truncation (route completed) keeps it.
        Assert.Equal(0.4f, Run(r, new Inputs().Progress(0.4f).End(EpisodeEnd.Completed), truncated: true).Terms[0]);
    }

    [Fact]
    public void NuPlansTtcPenaltyLastsForTheEpisodeAndTerminalPenaltiesAreScaled()
    {
        var r = NuPlan(new CaRLNuPlanRewardOptions { TerminalPenalty = -0.1, CollisionTerminalPenalty = -0.5 });
        Assert.Equal(1f, Run(r, new Inputs().Progress(1)).Extra[4]);
        Assert.Equal(0.5f, Run(r, new Inputs().Progress(1).Set("ttc_violation", 1)).Terms[0]);
        Assert.Equal(0.5f, Run(r, new Inputs().Progress(1)).Terms[0]);
        Assert.Equal(-50f, Run(r, new Inputs().End(EpisodeEnd.Collision), terminated: true).Terms[1], 4);
        Assert.Equal(-10f, Run(r, new Inputs().End(EpisodeEnd.OffRoad), terminated: true).Terms[1], 4);
        r.Reset();
        Assert.Equal(1f, Run(r, new Inputs().Progress(1)).Terms[0]);
        // The defaults have no terminal penalty.
        Assert.Equal(0f, Run(NuPlan(), new Inputs().End(EpisodeEnd.Collision), terminated: true).Terms[1]);
    }

    // ---- Roach ----

    private static RoachReward Roach(RoachRewardOptions? o = null)
    {
        var r = new RoachReward(o);
        r.Bind(Spec);
        r.Reset();
        return r;
    }

    [Theory]
    [InlineData("hazard_vehicle_distance", 9.0f, 6 * 1.0f / 5)]
    [InlineData("hazard_vehicle_distance", 7.0f, 0f)]
    [InlineData("hazard_pedestrian_distance", 8.5f, 6 * 2.5f / 5)]
    [InlineData("hazard_light_distance", 12.0f, 6f)]
    [InlineData("hazard_light_distance", 7.5f, 6 * 2.5f / 5)]
    [InlineData("hazard_stop_distance", 6.0f, 6 * 2.0f / 4)]
    [InlineData("hazard_stop_distance", 3.0f, 0f)]
    public void RoachsDesiredSpeedRampsFromEachHazardsStopDistance(string hazard, float distance, float desired)
    {
        var r = Roach();
        var (t, e) = Run(r, new Inputs().Set(hazard, distance).Set("speed", 3));
        Assert.Equal(desired, e[0], 5);
        Assert.Equal(1 - Math.Abs(3 - desired) / 6, t[0], 5);
    }

    [Fact]
    public void RoachsTermsAndTerminals()
    {
        var r = Roach();
        var (t, e) = Run(r, new Inputs().Set("speed", 9).Set("route_lateral", 1).Set("route_heading_error", 0.3f).Set("steer", 0.2f).Set("prev_steer", 0.1f));
        Assert.Equal(6f, e[0]);
        Assert.Equal(0.5f, t[0], 6);
        Assert.Equal(-0.5f, t[1]);
        Assert.Equal(-0.3f, t[2]);
        Assert.Equal(-0.1f, t[3]);
        Assert.Equal(0f, t[4]);
        Assert.Equal(-1f - 7f, Run(r, new Inputs().Set("speed", 7).End(EpisodeEnd.StopSign), terminated: true).Terms[4]);
        Assert.Equal(-1f - 7f, Run(r, new Inputs().Set("speed", 7).End(EpisodeEnd.RedLight), terminated: true).Terms[4]);
        Assert.Equal(-1f, Run(r, new Inputs().Set("speed", 7).End(EpisodeEnd.LateralDeviation), terminated: true).Terms[4]);
        Assert.Equal(-1f, Run(r, new Inputs().Set("speed", 0).End(EpisodeEnd.Blocked), terminated: true).Terms[4]);
        Assert.Equal(0f, Run(r, new Inputs().Set("speed", 7).End(EpisodeEnd.Completed), truncated: true).Terms[4]);
        // CaRL's option: the lane's limit as the maximum speed.
        var limit = Roach(new RoachRewardOptions { SpeedLimitAsMaxSpeed = true });
        Assert.Equal(10f, Run(limit, new Inputs().Set("speed_limit", 10)).Extra[0]);
    }

    // ---- binding and allocation ----

    [Fact]
    public void AMissingMetricIsNamedByTheReward()
    {
        var without = Spec with { Info = [.. Spec.Info.Where(x => x.Name != "ttc_penalty_active")] };
        var e = Assert.Throws<ArgumentException>(() => new CaRLReward().Bind(without));
        Assert.Contains("the CaRL reward needs the info metric 'ttc_penalty_active'", e.Message);
        Assert.Contains("Driving-v0", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RoachReward().Bind(Spec with { Info = [.. Spec.Info.Take(14)] }));
        Assert.Contains("the Roach reward needs the info metric", e.Message);
        e = Assert.Throws<ArgumentException>(() => new CaRLNuPlanReward().Bind(Spec with { RewardTerms = ["reward"] }));
        Assert.Contains("reward term 'progress'", e.Message);
    }

    [Fact]
    public void RewardStepsAllocateNothing()
    {
        var x = new Inputs().Progress(1).Set("speed", 3).Set("hazard_vehicle_distance", 9).End(EpisodeEnd.Collision);
        foreach (IInfoReward r in new IInfoReward[] { CaRL(new CaRLRewardOptions { LaneDistance = LaneDistancePenalty.Counter }), NuPlan(), Roach() })
        {
            var terms = new float[r.TermNames.Count];
            var extra = new float[r.ExtraInfo.Count];
            r.Step(x.Terms, x.Info, true, false, terms, extra);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++) r.Step(x.Terms, x.Info, i % 7 == 0, false, terms, extra);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}

using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Tests.Rewards;

/// <summary>CaRL's nuPlan reward on the real simulator: nuPlan's comfort limits, hard terminations, lasting penalties.</summary>
public class NuPlanRewardEnvTests
{
    private const string Id = DrivingEnvs.NuPlanEnvId;

    private static Route StraightRoute() => TestTowns.RouteThrough(TestTowns.Straight(), "straight", 1);

    [Fact]
    public void ACollisionEndsTheEpisodeWithoutProgress()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        rig.World.PlaceEgo(new Vec2(10, -5.25), 0, 8);
        rig.World.AddStaticActor(ActorKind.StaticObject, new Vec2(25, -5.25), 0, 0.25, 0.25);
        rig.Cruise(8, 40);
        Assert.True(rig.Last.Terminated);
        Assert.Equal(EpisodeEnd.Collision, rig.End);
        Assert.Equal(0f, rig.Term("progress"));
        Assert.Equal(0f, rig.Term("terminal"));
    }

    [Fact]
    public void AnyCornerOffTheDrivableAreaEndsTheEpisode()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        // Centre 1.25 m right of the lane centre: the right corners 0.42 m past the lane's edge.
        rig.World.PlaceEgo(new Vec2(10, -6.5), 0, 3);
        rig.Cruise(3, 1);
        Assert.True(rig.Last.Terminated);
        Assert.Equal(EpisodeEnd.OffRoad, rig.End);

        // CaRL's rule wants 95 % of the footprint off the road.
        var (w, m) = InfractionTests.Setup(StraightRoute(), rules: TerminationRules.CaRL);
        w.PlaceEgo(new Vec2(10, -6.5), 0, 3);
        w.Step(0, 0);
        m.Update();
        Assert.False(m.Ended);
        Assert.InRange(m.MaxCornerOutside, 0.41, 0.43);
    }

    [Fact]
    public void RedLightsDoNotEndTheEpisode()
    {
        var t = TestTowns.Crossroads(JunctionControl.TrafficLights, arm: 30);
        using var rig = new RewardRig(Id, t.Route(TestTowns.Arm.South, Turn.Straight));
        rig.World.SetLightClock(18);
        rig.World.PlaceEgo(new Vec2(1.75, -t.HalfSize - 20), Math.PI / 2, 10);
        rig.Cruise(10, 30);
        Assert.Contains(rig.Driving.Monitor!.Events, e => e.Kind == InfractionKind.RedLight);
        Assert.False(rig.Ended);
    }

    [Fact]
    public void NuPlansComfortLimitsCountEachMetricOnceForTheEpisode()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        Assert.Equal(Env.ComfortLimits.NuPlan, rig.Driving.Options.Comfort);
        rig.World.PlaceEgo(new Vec2(10, -5.25), 0, 10);
        rig.Cruise(10, 20);
        Assert.Equal(1f, rig.InfoOf("nuplan/comfort_factor"));
        // Full brake: -8 m/s^2 is under nuPlan's -4.05.
        for (int i = 0; i < 5; i++) rig.Step(0, -1);
        float n = rig.InfoOf("comfort_metrics_violated");
        Assert.InRange(n, 1, 6);
        Assert.Equal(1 - n / 6, rig.InfoOf("nuplan/comfort_factor"), 6);
        // Long after, still counted: nuPlan judges the whole history.
        rig.Cruise(6, 40);
        Assert.Equal(0f, rig.InfoOf("comfort_violations"));
        Assert.True(rig.InfoOf("comfort_metrics_violated") >= n);
        Assert.True(rig.InfoOf("nuplan/comfort_factor") <= 1 - n / 6 + 1e-6);
    }

    [Fact]
    public void ATimeToCollisionViolationHalvesProgressForTheRestOfTheEpisode()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        rig.World.PlaceEgo(new Vec2(10, -5.25), 0, 10);
        rig.World.AddVehicle(1, 22, 0, speedFactor: 0);
        rig.Step(0, 0);
        Assert.Equal(0.5f, rig.InfoOf("nuplan/ttc_factor"));
        for (int i = 0; i < 15; i++) rig.Step(0, -1);
        Assert.Equal(0f, rig.InfoOf("ttc_violation"));
        Assert.Equal(0.5f, rig.InfoOf("nuplan/ttc_factor"));
        // A new episode starts clean.
        rig.Env.Reset(rig.Obs.Row(0));
        rig.Step(0, 0);
        Assert.Equal(1f, rig.InfoOf("nuplan/ttc_factor"));
    }

    [Fact]
    public void ProgressIsScaledByTheFactorsAndTheLaneDistanceHasAHalfMetreGrace()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        // 0.4 m off centre: within the 0.5 m grace.
        rig.World.PlaceEgo(new Vec2(10, -5.65), 0, 6);
        rig.Cruise(6, 3);
        Assert.Equal(1f, rig.InfoOf("nuplan/lane_distance_factor"));
        // 0.75 m off (the corners still on the lane): 1 - 0.5 x (0.75 - 0.5) / (1.75 - 0.5) = 0.9.
        rig.World.PlaceEgo(new Vec2(rig.World.Ego.Position.X, -6.0), 0, 6);
        double rc = rig.Driving.Monitor!.RouteCompletionRaw, sum = 0;
        for (int i = 0; i < 20; i++)
        {
            rig.Cruise(6, 1);
            sum += rig.Term("progress");
            Assert.Equal(0.9f, rig.InfoOf("nuplan/lane_distance_factor"), 2);
        }
        Assert.False(rig.Ended);
        Assert.Equal(0.9 * (rig.Driving.Monitor.RouteCompletionRaw - rc), sum, 1e-3);
    }
}

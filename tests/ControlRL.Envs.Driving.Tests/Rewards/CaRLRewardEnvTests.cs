using ControlRL.Envs.Driving.Env;
using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Tests.Rewards;

/// <summary>CaRL's reward on the real simulator, driven into each situation it scores.</summary>
public class CaRLRewardEnvTests
{
    private const string Id = DrivingEnv.EnvId;

    private static Route StraightRoute(double limit = TestTowns.Limit) => TestTowns.RouteThrough(TestTowns.Straight(limit: limit), "straight", 1);

    [Fact]
    public void FreeDrivingEarnsTheRouteCompletionGained()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        rig.World.PlaceEgo(new Vec2(10, -5.25), 0, 8);
        double rc0 = rig.Driving.Monitor!.RouteCompletionRaw, sum = 0;
        for (int i = 0; i < 50; i++)
        {
            rig.Cruise(8, 1);
            sum += rig.Term("progress");
            Assert.Equal(0f, rig.Term("terminal"));
            Assert.Equal(rig.Term("progress") + rig.Term("terminal"), rig.Last.Reward);
            foreach (var f in new[] { "carl/outside_lanes_factor", "carl/speed_factor", "carl/ttc_factor", "carl/comfort_factor" })
                Assert.Equal(1f, rig.InfoOf(f));
        }
        // On the lane centre: no lane-distance penalty, so the sum is the completion gained (percent).
        Assert.InRange(rig.InfoOf("carl/lane_distance_factor"), 0.999f, 1f);
        Assert.Equal(rig.Driving.Monitor.RouteCompletionRaw - rc0, sum, 1e-3);
        Assert.True(sum > 5, $"gained {sum} %");
    }

    [Fact]
    public void ACollisionTerminatesWithTheHint()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        rig.World.PlaceEgo(new Vec2(10, -5.25), 0, 8);
        rig.World.AddStaticActor(ActorKind.StaticObject, new Vec2(25, -5.25), 0, 0.25, 0.25);
        rig.Cruise(8, 40);
        Assert.True(rig.Last.Terminated);
        Assert.Equal(EpisodeEnd.Collision, rig.End);
        Assert.Equal(-1f, rig.Term("terminal"));
        Assert.Equal(rig.Term("progress") - 1f, rig.Last.Reward, 6);
    }

    [Fact]
    public void ARedLightTerminatesWithTheHint()
    {
        var t = TestTowns.Crossroads(JunctionControl.TrafficLights, arm: 30);
        using var rig = new RewardRig(Id, t.Route(TestTowns.Arm.South, Turn.Straight));
        // North/South red from 15 s to 32 s of the cycle.
        rig.World.SetLightClock(18);
        rig.World.PlaceEgo(new Vec2(1.75, -t.HalfSize - 20), Math.PI / 2, 10);
        rig.Cruise(10, 40);
        Assert.True(rig.Last.Terminated);
        Assert.Equal(EpisodeEnd.RedLight, rig.End);
        Assert.Equal(-1f, rig.Term("terminal"));
    }

    [Fact]
    public void OtherTerminationsCarryNoHint()
    {
        // Leaving the route by more than 30 m (InRouteTest).
        using var rig = new RewardRig(Id, StraightRoute());
        rig.World.PlaceEgo(new Vec2(20, -5.25 - 31), 0, 2);
        rig.Cruise(2, 1);
        Assert.True(rig.Last.Terminated);
        Assert.Equal(EpisodeEnd.RouteDeviation, rig.End);
        Assert.Equal(0f, rig.Term("terminal"));

        // Off the drivable area with (nearly) the whole footprint.
        using var off = new RewardRig(Id, StraightRoute());
        off.World.PlaceEgo(new Vec2(12, -9.0), 0, 3);
        off.Cruise(3, 1);
        Assert.True(off.Last.Terminated);
        Assert.Equal(EpisodeEnd.OffRoad, off.End);
        Assert.Equal(0f, off.Term("terminal"));
    }

    [Fact]
    public void TheTimeCapTerminatesUnderCaRLsRulesAndTruncatesUnderRoachs()
    {
        using var carl = new RewardRig(Id, StraightRoute(), rules: TerminationRules.CaRL with { MaxEpisodeTime = 1 });
        carl.Cruise(5, 20);
        Assert.True(carl.Last.Terminated);
        Assert.False(carl.Last.Truncated);
        Assert.Equal(EpisodeEnd.MaxTime, carl.End);
        Assert.Equal(0f, carl.Term("terminal"));

        using var roach = new RewardRig(DrivingEnvs.RoachEnvId, StraightRoute(), rules: TerminationRules.Roach with { MaxEpisodeTime = 1 });
        roach.Cruise(5, 20);
        Assert.True(roach.Last.Truncated);
        Assert.False(roach.Last.Terminated);
        Assert.Equal(0f, roach.Term("terminal"));
    }

    [Fact]
    public void OutsideTheRouteLanesProgressIsWorthNothing()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        rig.World.PlaceEgo(new Vec2(20, -5.25), 0, 8);
        rig.Cruise(8, 10);
        // Over into the oncoming lane, heading on.
        rig.World.PlaceEgo(new Vec2(rig.World.Ego.Position.X, 1.75), 0, 8);
        double rc = rig.Driving.Monitor!.RouteCompletionRaw;
        for (int i = 0; i < 20; i++)
        {
            rig.Cruise(8, 1);
            Assert.Equal(1f, rig.InfoOf("outside_route_lanes"));
            Assert.Equal(0f, rig.InfoOf("carl/outside_lanes_factor"));
            Assert.Equal(0f, rig.Term("progress"));
        }
        Assert.False(rig.Ended);
        Assert.True(rig.Driving.Monitor.RouteCompletionRaw > rc + 2, "the route is still being completed");
    }

    [Fact]
    public void SpeedingScalesProgressDownLinearlyTo223MetresPerSecondOver()
    {
        const double limit = 5;
        using var rig = new RewardRig(Id, StraightRoute(limit));
        rig.World.PlaceEgo(new Vec2(10, -5.25), 0, 6);
        rig.Cruise(6, 30);
        float excess = rig.InfoOf("speed_excess");
        Assert.InRange(excess, 0.8f, 1.2f);
        Assert.Equal(1 - excess / 2.23f, rig.InfoOf("carl/speed_factor"), 5);
        Assert.Equal((float)limit, rig.InfoOf("speed_limit"), 4);
        rig.World.PlaceEgo(rig.World.Ego.Position, 0, 8);
        rig.Cruise(8, 20);
        Assert.True(rig.InfoOf("speed_excess") > 2.23f);
        Assert.Equal(0f, rig.InfoOf("carl/speed_factor"));
        Assert.Equal(0f, rig.Term("progress"));
    }

    [Fact]
    public void AHardBrakeStartsComfortClocksThatScaleProgress()
    {
        // CaRL's CARLA limits are loose (a full brake's -8 m/s^2 is within its -20); with nuPlan's the brake counts.
        var options = DrivingEnvs.Options(Id) with { Comfort = ComfortLimits.NuPlan };
        using var rig = new RewardRig(Id, StraightRoute(), options: options);
        rig.World.PlaceEgo(new Vec2(10, -5.25), 0, 10);
        rig.Cruise(10, 20);
        Assert.Equal(0f, rig.InfoOf("comfort_active_clocks"));
        Assert.Equal(1f, rig.InfoOf("carl/comfort_factor"));
        for (int i = 0; i < 5; i++) rig.Step(0, -1);
        float clocks = rig.InfoOf("comfort_active_clocks");
        Assert.InRange(clocks, 1, 6);
        Assert.Equal(1 - 0.5f * clocks / 6, rig.InfoOf("carl/comfort_factor"), 6);
        // Cruising evenly again: no new violation once the filters settle, but the clocks run on (500 steps).
        rig.Cruise(6, 40);
        Assert.False(rig.Ended);
        Assert.Equal(0f, rig.InfoOf("comfort_violations"));
        clocks = rig.InfoOf("comfort_active_clocks");
        Assert.InRange(clocks, 1, 6);
        Assert.True(rig.InfoOf("comfort_metrics_violated") >= clocks);
        Assert.Equal(1 - 0.5f * clocks / 6, rig.InfoOf("carl/comfort_factor"), 6);
        var v = rig.Obs.Floats(2);
        Assert.Contains(v.Skip(4).Take(6), x => x is > 0.9f and < 1f);
    }

    [Fact]
    public void TheComfortSignalsAreFilteredAsCaRLsSoThePedalsStartDoesNotCount()
    {
        // From rest at full throttle, as every episode starts: unfiltered, the jerk of the first step would exceed 30 m/s^3.
        using var rig = new RewardRig(Id, StraightRoute());
        for (int i = 0; i < 40; i++)
        {
            rig.Step(0, i < 20 ? 1 : 0.2f);
            Assert.Equal(0f, rig.InfoOf("comfort_violations"));
        }
        Assert.Equal(1f, rig.InfoOf("carl/comfort_factor"));
    }

    [Fact]
    public void ATimeToCollisionViolationHalvesProgressWhileItsClockRuns()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        rig.World.PlaceEgo(new Vec2(10, -5.25), 0, 10);
        rig.World.AddVehicle(1, 22, 0, speedFactor: 0);
        rig.Step(0, 0);
        Assert.Equal(1f, rig.InfoOf("ttc_violation"));
        Assert.Equal(1f, rig.InfoOf("ttc_penalty_active"));
        Assert.Equal(0.5f, rig.InfoOf("carl/ttc_factor"));
        // Stopped short of it: no violation now, but the clock runs.
        for (int i = 0; i < 15; i++) rig.Step(0, -1);
        Assert.False(rig.Ended);
        Assert.Equal(0f, rig.InfoOf("ttc_violation"));
        Assert.Equal(1f, rig.InfoOf("ttc_penalty_active"));
        Assert.Equal(0.5f, rig.InfoOf("carl/ttc_factor"));
    }

    [Fact]
    public void DistanceFromTheLaneCentreScalesProgressOutsideJunctions()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        // 0.7 m right of the centre of a 3.5 m lane: factor 1 - 0.7 / 1.75 = 0.6.
        rig.World.PlaceEgo(new Vec2(10, -5.95), 0, 6);
        rig.Cruise(6, 3);
        Assert.Equal(0.7f, rig.InfoOf("lane_offset"), 2);
        Assert.Equal(3.5f, rig.InfoOf("lane_width"), 4);
        Assert.Equal(0f, rig.InfoOf("in_junction"));
        Assert.Equal(0.6f, rig.InfoOf("carl/lane_distance_factor"), 2);

        // Inside a junction there is no lane-distance penalty.
        var t = TestTowns.Crossroads(JunctionControl.TrafficLights, arm: 30);
        using var junction = new RewardRig(Id, t.Route(TestTowns.Arm.South, Turn.Straight));
        junction.World.SetLightClock(0);
        junction.World.PlaceEgo(new Vec2(2.5, -2), Math.PI / 2, 5);
        junction.Cruise(5, 1);
        Assert.Equal(1f, junction.InfoOf("in_junction"));
        Assert.Equal(1f, junction.InfoOf("carl/lane_distance_factor"));
    }

    [Fact]
    public void StandingStillFor90SecondsEndsCaRLsEpisode()
    {
        var (w, m) = InfractionTests.Setup(StraightRoute(), rules: TerminationRules.CaRL);
        for (int i = 0; i < 20; i++)
        {
            w.Step(0, 0.5);
            m.Update();
        }
        int steps = 0;
        while (!m.Ended && steps < 1500)
        {
            w.Step(0, -1);
            m.Update();
            steps++;
            if (steps == 400) Assert.InRange(m.TimeUntilBlocked, 90 - 40, 90 - 37);
        }
        Assert.Equal(EpisodeEnd.Blocked, m.End);
        Assert.InRange(m.StandstillTime, 90, 90.2);
        Assert.Equal(90, m.BlockedTime);
        // The leaderboard's blocked infraction would come at 180 s.
        Assert.DoesNotContain(m.Events, e => e.Kind == InfractionKind.VehicleBlocked);
    }
}

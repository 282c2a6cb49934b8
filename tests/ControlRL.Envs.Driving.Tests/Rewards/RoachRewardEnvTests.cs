using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Tests.Rewards;

/// <summary>Roach's reward and the hazards its desired speed comes from, on the real simulator.</summary>
public class RoachRewardEnvTests
{
    private const string Id = DrivingEnvs.RoachEnvId;
    private const float None = 1000f;

    private static Route StraightRoute() => TestTowns.RouteThrough(TestTowns.Straight(), "straight", 1);

    [Fact]
    public void OnAFreeRoadTheDesiredSpeedIsSixAndTheTermsFollowSpeedAndPose()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        // 0.5 m left of the route, heading 0.1 rad off it, at 4 m/s.
        rig.World.PlaceEgo(new Vec2(10, -4.75), 0.1, 4);
        rig.Step(0, 0);
        Assert.Equal(None, rig.InfoOf("hazard_vehicle_distance"));
        Assert.Equal(None, rig.InfoOf("hazard_pedestrian_distance"));
        Assert.Equal(None, rig.InfoOf("hazard_light_distance"));
        Assert.Equal(None, rig.InfoOf("hazard_stop_distance"));
        Assert.Equal(6f, rig.InfoOf("roach/desired_speed"));
        float v = rig.InfoOf("speed");
        Assert.Equal(1 - Math.Abs(v - 6) / 6, rig.Term("speed"), 5);
        Assert.Equal(-rig.InfoOf("route_lateral") / 2, rig.Term("position"), 6);
        Assert.InRange(rig.InfoOf("route_lateral"), 0.5f, 0.6f);
        Assert.Equal(-rig.InfoOf("route_heading_error"), rig.Term("rotation"), 6);
        Assert.InRange(rig.InfoOf("route_heading_error"), 0.09f, 0.11f);
        Assert.Equal(0f, rig.Term("action"));
        Assert.Equal(0f, rig.Term("terminal"));
        float sum = rig.Term("speed") + rig.Term("position") + rig.Term("rotation") + rig.Term("action") + rig.Term("terminal");
        Assert.Equal(sum, rig.Last.Reward, 5);
    }

    [Fact]
    public void ChangingTheSteerCostsATenth()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        rig.World.PlaceEgo(new Vec2(10, -5.25), 0, 4);
        rig.Step(0, 0);
        Assert.Equal(0f, rig.Term("action"));
        rig.Step(0.3f, 0);
        Assert.Equal(0.3f, rig.InfoOf("steer"), 6);
        Assert.Equal(0f, rig.InfoOf("prev_steer"));
        Assert.Equal(-0.1f, rig.Term("action"));
        rig.Step(0.305f, 0);
        Assert.Equal(0f, rig.Term("action"));
        rig.Step(-0.3f, 0);
        Assert.Equal(-0.1f, rig.Term("action"));
    }

    [Fact]
    public void AVehicleAheadLowersTheDesiredSpeedAnOncomingOneDoesNot()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        // In the inner lane; a car in the oncoming lane 6 m ahead, 3.5 m aside (6.9 m, 30 degrees off the heading):
        // heading against the ego, so no hazard.
        rig.World.PlaceEgo(new Vec2(10, -1.75), 0, 3);
        rig.World.AddVehicle(2, 400 - 16, 0, speedFactor: 0);
        rig.Step(0, -1);
        Assert.Equal(None, rig.InfoOf("hazard_vehicle_distance"));
        Assert.Equal(6f, rig.InfoOf("roach/desired_speed"));
        // A stopped car 9 m ahead in the lane (within the 9.5 m a hazard must be): desired 6 x (9 - 8) / 5.
        rig.World.AddVehicle(0, rig.World.Ego.Position.X + 9, 0, speedFactor: 0);
        rig.Step(0, -1);
        float d = rig.InfoOf("hazard_vehicle_distance");
        Assert.InRange(d, 8.8f, 9.1f);
        Assert.Equal(6 * (d - 8) / 5, rig.InfoOf("roach/desired_speed"), 4);
    }

    [Fact]
    public void APedestrianOnTheRoadIsAHazardOneOnTheSidewalkIsNot()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        rig.World.PlaceEgo(new Vec2(10, -5.25), 0, 0);
        rig.World.AddPedestrian(new Vec2(17, -9.5), new Vec2(60, -9.5), 0.01);
        rig.Step(0, -1);
        Assert.Equal(None, rig.InfoOf("hazard_pedestrian_distance"));
        rig.World.AddPedestrian(new Vec2(17, -5.0), new Vec2(17, -4.0), 0.01);
        rig.Step(0, -1);
        float d = rig.InfoOf("hazard_pedestrian_distance");
        Assert.InRange(d, 6.9f, 7.1f);
        Assert.Equal(6 * (d - 6) / 5, rig.InfoOf("roach/desired_speed"), 4);
    }

    [Fact]
    public void ARedLightAheadIsAHazardAGreenOneIsNot()
    {
        var t = TestTowns.Crossroads(JunctionControl.TrafficLights, arm: 30);
        using var rig = new RewardRig(Id, t.Route(TestTowns.Arm.South, Turn.Straight));
        double line = -t.HalfSize;
        rig.World.SetLightClock(18); // red
        rig.World.PlaceEgo(new Vec2(1.75, line - 8), Math.PI / 2, 0);
        rig.Step(0, -1);
        Assert.Equal(8f, rig.InfoOf("hazard_light_distance"), 2);
        Assert.Equal(6 * (8 - 5) / 5f, rig.InfoOf("roach/desired_speed"), 2);
        // Farther than 18 m from the line (from 0.8 half-lengths behind the centre): no hazard.
        rig.World.PlaceEgo(new Vec2(1.75, line - 18), Math.PI / 2, 0);
        rig.Step(0, -1);
        Assert.Equal(None, rig.InfoOf("hazard_light_distance"));
        rig.World.SetLightClock(2); // green
        rig.World.PlaceEgo(new Vec2(1.75, line - 8), Math.PI / 2, 0);
        rig.Step(0, -1);
        Assert.Equal(None, rig.InfoOf("hazard_light_distance"));
    }

    [Fact]
    public void AStopSignIsAHazardUntilTheEgoHasStopped()
    {
        var t = TestTowns.Crossroads(JunctionControl.AllWayStop, arm: 30);
        using var rig = new RewardRig(Id, t.Route(TestTowns.Arm.South, Turn.Straight));
        rig.World.PlaceEgo(new Vec2(1.75, -t.HalfSize - 12), Math.PI / 2, 3);
        float seen = None;
        for (int i = 0; i < 40 && seen == None; i++)
        {
            rig.Cruise(3, 1);
            seen = rig.InfoOf("hazard_stop_distance");
        }
        Assert.InRange(seen, 0, 8);
        Assert.True(rig.InfoOf("roach/desired_speed") < 6);
        for (int i = 0; i < 20; i++) rig.Step(0, -1);
        Assert.Equal(0, rig.World.Ego.Speed);
        Assert.Equal(None, rig.InfoOf("hazard_stop_distance"));
    }

    [Fact]
    public void ACollisionCostsOneAndTheSpeed()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        rig.World.PlaceEgo(new Vec2(10, -5.25), 0, 8);
        rig.World.AddStaticActor(ActorKind.StaticObject, new Vec2(25, -5.25), 0, 0.25, 0.25);
        rig.Cruise(8, 40);
        Assert.True(rig.Last.Terminated);
        Assert.Equal(EpisodeEnd.Collision, rig.End);
        Assert.Equal(-1 - rig.InfoOf("speed"), rig.Term("terminal"), 5);
        Assert.True(rig.Term("terminal") < -5);
    }

    [Fact]
    public void DriftingAwayFromTheRouteBeyond35MetresEndsTheEpisodeWithMinusOne()
    {
        using var rig = new RewardRig(Id, StraightRoute());
        // Drifting left at 0.1 rad and 5 m/s: 0.05 m farther each step.
        rig.World.PlaceEgo(new Vec2(10, -5.25 + 3.0), 0.1, 5);
        rig.Cruise(5, 30);
        Assert.True(rig.Last.Terminated);
        Assert.Equal(EpisodeEnd.LateralDeviation, rig.End);
        Assert.InRange(rig.InfoOf("route_lateral"), 3.5f, 3.7f);
        Assert.Equal(-1f, rig.Term("terminal"));
    }

    [Fact]
    public void RoachsLateralRuleForgivesAJumpAndAStandingOffset()
    {
        var route = TestTowns.RouteThrough(TestTowns.Straight(), "straight", 1);
        var (w, m) = InfractionTests.Setup(route, rules: TerminationRules.Roach);
        w.PlaceEgo(new Vec2(20, -5.25), 0, 3);
        Step();
        // A jump of 4 m in one step (more than 0.8 m) moves the threshold along.
        w.PlaceEgo(new Vec2(21, -5.25 + 4), 0, 3);
        Step();
        Assert.False(m.Ended);
        // Holding 4 m: not growing, no end.
        for (int i = 0; i < 10; i++) Step();
        Assert.False(m.Ended);
        // Growing beyond it by more than 0.01 m: the end.
        w.PlaceEgo(new Vec2(w.Ego.Position.X, -5.25 + 4.1), 0, 3);
        Step();
        Assert.Equal(EpisodeEnd.LateralDeviation, m.End);

        void Step()
        {
            w.Step(0, 0.1);
            m.Update();
        }
    }
}

using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;
using ControlRL.Scoring.NuPlan;

namespace ControlRL.Envs.Driving.Tests;

public class InfractionTraceTests
{
    private static Route StraightRoute(int lane = 1) => TestTowns.RouteThrough(TestTowns.Straight(), "straight", lane);

    [Fact]
    public void TheTraceRecordsEveryStep()
    {
        var (w, m) = InfractionTests.Setup(StraightRoute());
        for (int i = 0; i < 50; i++)
        {
            w.Step(0, 0.8);
            m.Update();
        }
        var t = m.Trace;
        Assert.Equal(50, t.Count);
        Assert.Equal(w.Ego.Position.X, t.X[^1]);
        Assert.Equal(w.Ego.Position.Y, t.Y[^1]);
        Assert.Equal(w.Ego.Speed, t.Speed[^1]);
        Assert.Equal(w.Ego.YawRate, t.YawRate[^1]);
        Assert.Equal(w.Ego.LongitudinalAccel, t.LongitudinalAccel[^1]);
        Assert.Equal(TestTowns.Limit, t.SpeedLimit[0]);
        Assert.True(t.Progress[^1] > t.Progress[0]);
        // (At the start the rear overhangs the road's first metres; by the end the footprint is on the lane.)
        Assert.True(t.OnDrivable[^1]);
        Assert.Equal(0, t.MaxOutside[^1]);
        Assert.True(double.IsPositiveInfinity(t.MinTimeToCollision[^1]));
        Assert.All(t.AgainstLane.ToArray(), a => Assert.Equal(0, a));
    }

    [Fact]
    public void TimeToCollisionFollowsAConstantVelocityPrediction()
    {
        var (w, m) = InfractionTests.Setup(StraightRoute());
        w.PlaceEgo(new Vec2(10, -5.25), 0, 10);
        // A standing car 20 m ahead (centres): bumpers 15.1 m apart at 10 m/s, about 1.5 s.
        w.AddStaticActor(ActorKind.ParkedVehicle, new Vec2(31, -5.25), 0, 2.45, 0.9);
        w.Step(0, 0);
        m.Update();
        Assert.InRange(m.Trace.MinTimeToCollision[^1], 1.2, 1.8);
        // A car in the next lane is not on a collision course.
        var (w2, m2) = InfractionTests.Setup(StraightRoute());
        w2.PlaceEgo(new Vec2(10, -5.25), 0, 10);
        w2.AddStaticActor(ActorKind.ParkedVehicle, new Vec2(31, -1.75), 0, 2.45, 0.9);
        w2.Step(0, 0);
        m2.Update();
        Assert.True(double.IsPositiveInfinity(m2.Trace.MinTimeToCollision[^1]));
    }

    [Fact]
    public void RunningIntoAStandingCarIsAnAtFaultCollision()
    {
        var (w, m) = InfractionTests.Setup(StraightRoute());
        w.PlaceEgo(new Vec2(10, -5.25), 0, 8);
        int id = w.AddStaticActor(ActorKind.ParkedVehicle, new Vec2(25, -5.25), 0, 2.45, 0.9);
        for (int i = 0; i < 30; i++)
        {
            w.Step(0, 0.2);
            m.Update();
        }
        var c = Assert.Single(m.Trace.Collisions);
        Assert.Equal(id, c.OtherId);
        Assert.Equal(NuPlanCollisionType.StoppedTrack, c.Type);
        Assert.True(c.AtFault);
        Assert.Equal(1 + (int)ActorKind.ParkedVehicle, m.Trace.AtFaultCollision[c.Step]);
    }

    [Fact]
    public void DrivingAgainstTheLaneAndOffTheRoadAreTraced()
    {
        var (w, m) = InfractionTests.Setup(StraightRoute());
        w.PlaceEgo(new Vec2(12, 1.75), 0, 8);
        for (int i = 0; i < 10; i++)
        {
            w.Step(0, 0.1);
            m.Update();
        }
        Assert.InRange(m.Trace.AgainstLane[^1], 0.7, 0.9);
        w.PlaceEgo(new Vec2(w.Ego.Position.X, -8.6), 0, 8);
        w.Step(0, 0.1);
        m.Update();
        Assert.False(m.Trace.OnDrivable[^1]);
        // The outer corners stand 8.6 + 0.92 - 7 m beyond the lane edge.
        Assert.Equal(8.6 + w.EgoBox.HalfWidth - 7, m.Trace.MaxOutside[^1], 2);
    }
}

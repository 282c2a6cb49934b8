using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Tests;

public class SimEgoTests
{
    private static EgoVehicle Car(EgoParameters? p = null)
    {
        var ego = new EgoVehicle(p ?? EgoParameters.LincolnMkz2020);
        ego.Reset(new Vec2(0, 0), 0, 0);
        return ego;
    }

    [Fact]
    public void FullThrottleFromRestReachesTheModelsAcceleration()
    {
        var ego = Car();
        ego.Step(0, 1, 0.1, 2);
        // First step: MaxAccel minus the rolling resistance once moving, well within the limit.
        Assert.InRange(ego.Speed, 0.33, 0.35);
        for (int i = 0; i < 99; i++) ego.Step(0, 1, 0.1, 2);
        // 10 s of full throttle: drag and rolling resistance keep it under MaxAccel x t.
        Assert.InRange(ego.Speed, 25, 35);
        Assert.Equal(0, ego.Heading, 12);
        Assert.Equal(0, ego.Position.Y, 9);
        Assert.True(ego.LongitudinalAccel < 3.5);
    }

    [Fact]
    public void FullBrakeStopsAtTheBrakingLimitAndNeverReverses()
    {
        var ego = new EgoVehicle(EgoParameters.LincolnMkz2020);
        ego.Reset(new Vec2(0, 0), 0, 20);
        double x0 = ego.Position.X;
        int steps = 0;
        while (ego.Speed > 0 && steps < 100)
        {
            ego.Step(0, -1, 0.1, 2);
            steps++;
        }
        double d = ego.Position.X - x0;
        // v^2 / (2 (8 + drag + rolling)) < d < v^2 / (2 x 8).
        Assert.InRange(d, 20.0 * 20 / (2 * 8.8), 20.0 * 20 / (2 * 8));
        Assert.InRange(steps, 23, 27);
        for (int i = 0; i < 10; i++) ego.Step(0, -1, 0.1, 2);
        Assert.Equal(0, ego.Speed);
        Assert.Equal(d, ego.Position.X - x0, 9);
    }

    [Fact]
    public void TurningRadiusIsWheelbaseOverTanOfTheWheelAngle()
    {
        var p = EgoParameters.LincolnMkz2020;
        var ego = new EgoVehicle(p);
        ego.Reset(new Vec2(0, 0), 0, 2);
        // Hold speed (throttle balancing the rolling resistance) at full left lock, past the steering rate limit.
        var pts = new List<Vec2>();
        for (int i = 0; i < 200; i++)
        {
            ego.Step(1, (p.RollingResistance + p.Drag * 4) / p.MaxAccel, 0.1, 4);
            if (i > 20) pts.Add(ego.RearAxle);
        }
        Assert.Equal(p.MaxSteerAngle, ego.WheelAngle, 9);
        double r = p.Wheelbase / Math.Tan(p.MaxSteerAngle);
        // The rear axle stays on one circle of that radius: fit its centre from three points.
        var c = Circumcentre(pts[0], pts[pts.Count / 3], pts[2 * pts.Count / 3]);
        foreach (var q in pts) Assert.Equal(r, q.DistanceTo(c), 3);
        Assert.True(ego.YawRate > 0);
    }

    [Fact]
    public void SteeringFollowsTheCommandAtTheRateLimit()
    {
        var p = EgoParameters.LincolnMkz2020;
        var ego = Car();
        ego.Step(-1, 0, 0.1, 2);
        Assert.Equal(-p.SteerRate * 0.1, ego.WheelAngle, 9);
        Assert.Equal(-1, ego.Steer);
        Assert.Equal(0, ego.Throttle);
    }

    [Fact]
    public void GripCapsTheCurvatureAtSpeed()
    {
        var p = EgoParameters.LincolnMkz2020;
        var ego = new EgoVehicle(p);
        ego.Reset(new Vec2(0, 0), 0, 25);
        for (int i = 0; i < 20; i++) ego.Step(1, 0.2, 0.1, 2);
        Assert.InRange(Math.Abs(ego.LateralAccel), 0, p.MaxLateralAccel * 1.01);
    }

    [Fact]
    public void MeasurementsAreInTheEgoFrame()
    {
        var ego = new EgoVehicle(EgoParameters.LincolnMkz2020);
        ego.Reset(new Vec2(5, 5), Math.PI / 2, 10);
        ego.Step(0.3, 0.5, 0.1, 2);
        Assert.Equal(ego.Speed, ego.VelocityX, 12);
        // Turning left, the box centre ahead of the rear axle slides left.
        Assert.True(ego.VelocityY > 0);
        Assert.Equal(0.3, ego.Steer, 6);
        Assert.Equal(0.5, ego.Throttle, 6);
        Assert.Equal(2, ego.Gear);
        Assert.Throws<ArgumentException>(() => ego.Step(double.NaN, 0, 0.1, 2));
    }

    private static Vec2 Circumcentre(Vec2 a, Vec2 b, Vec2 c)
    {
        double d = 2 * (a.X * (b.Y - c.Y) + b.X * (c.Y - a.Y) + c.X * (a.Y - b.Y));
        double ux = ((a.X * a.X + a.Y * a.Y) * (b.Y - c.Y) + (b.X * b.X + b.Y * b.Y) * (c.Y - a.Y) + (c.X * c.X + c.Y * c.Y) * (a.Y - b.Y)) / d;
        double uy = ((a.X * a.X + a.Y * a.Y) * (c.X - b.X) + (b.X * b.X + b.Y * b.Y) * (a.X - c.X) + (c.X * c.X + c.Y * c.Y) * (b.X - a.X)) / d;
        return new Vec2(ux, uy);
    }
}

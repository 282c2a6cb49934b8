using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>
/// The ego: a kinematic bicycle model (R. Rajamani, "Vehicle Dynamics and Control", 2006, ch. 2) referenced at the
/// rear axle, where the path curvature is tan(wheel angle) /
/// wheelbase, so at low speed the rear axle turns on a circle of radius wheelbase / tan(wheel angle). The wheel angle
/// follows the steer command at a limited rate; curvature is capped by tyre grip. Each substep integrates the arc
/// exactly for the substep's mean speed. Actions: steer in [-1, 1] (positive turns left, counter-clockwise), accel
/// in [-1, 1]: positive is throttle, negative is brake (as CaRL maps its action to CARLA's control).
/// </summary>
public sealed class EgoVehicle
{
    private readonly EgoParameters _p;

    public EgoVehicle(EgoParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        _p = parameters;
    }

    public EgoParameters Parameters => _p;

    /// <summary>Rear-axle midpoint.</summary>
    public Vec2 RearAxle { get; private set; }

    public double Heading { get; private set; }

    /// <summary>Forward speed of the rear axle, m/s (never negative).</summary>
    public double Speed { get; private set; }

    /// <summary>Current front-wheel angle, radians (left positive).</summary>
    public double WheelAngle { get; private set; }

    /// <summary>The last commands, as CARLA's VehicleControl reports them: steer in [-1, 1], throttle and brake in [0, 1].</summary>
    public double Steer { get; private set; }

    public double Throttle { get; private set; }
    public double Brake { get; private set; }

    /// <summary>Heading change over the last step divided by its duration, rad/s.</summary>
    public double YawRate { get; private set; }

    /// <summary>Speed change over the last step divided by its duration, m/s^2.</summary>
    public double LongitudinalAccel { get; private set; }

    /// <summary>Centripetal acceleration over the last step (speed x yaw rate, left positive), m/s^2.</summary>
    public double LateralAccel { get; private set; }

    /// <summary>Box centre.</summary>
    public Vec2 Position => RearAxle + Vec2.FromHeading(Heading) * _p.CentreOffset;

    public OrientedBox Box => new(Position, Heading, _p.Length / 2, _p.Width / 2);

    /// <summary>Velocity of the box centre in the ego frame: x forward, y left.</summary>
    public double VelocityX => Speed;

    public double VelocityY => YawRate * _p.CentreOffset;

    /// <summary>Velocity of the box centre in the world frame.</summary>
    public Vec2 Velocity
    {
        get
        {
            Vec2 f = Vec2.FromHeading(Heading);
            return f * VelocityX + f.Left * VelocityY;
        }
    }

    /// <summary>
    /// An automatic gearbox's gear as an indicator (CaRL feeds CARLA's control.gear): five speed bands, 1 below
    /// 5.5 m/s up to 5 above 22 m/s.
    /// </summary>
    public int Gear => Speed < 5.5 ? 1 : Speed < 11 ? 2 : Speed < 16.5 ? 3 : Speed < 22 ? 4 : 5;

    /// <summary>Places the ego with its box centre at <paramref name="centre"/>.</summary>
    public void Reset(Vec2 centre, double heading, double speed)
    {
        if (!centre.IsFinite || !double.IsFinite(heading) || !(speed >= 0) || !double.IsFinite(speed))
            throw new ArgumentException($"ego reset needs a finite position, heading and a speed >= 0 (got {centre}, {heading}, {speed}).");
        Heading = Angles.Wrap(heading);
        RearAxle = centre - Vec2.FromHeading(Heading) * _p.CentreOffset;
        Speed = speed;
        WheelAngle = 0;
        Steer = Throttle = Brake = 0;
        YawRate = LongitudinalAccel = LateralAccel = 0;
    }

    /// <summary>Advances <paramref name="dt"/> seconds in <paramref name="substeps"/> equal parts.</summary>
    public void Step(double steer, double accel, double dt, int substeps)
    {
        if (double.IsNaN(steer)) throw new ArgumentException("ego action: steer is NaN.");
        if (double.IsNaN(accel)) throw new ArgumentException("ego action: accel is NaN.");
        steer = Math.Clamp(steer, -1, 1);
        accel = Math.Clamp(accel, -1, 1);
        Steer = steer;
        Throttle = accel > 0 ? accel : 0;
        Brake = accel < 0 ? -accel : 0;

        double target = steer * _p.MaxSteerAngle;
        double h = dt / substeps;
        double v0 = Speed;
        double travelledHeading = 0;
        for (int k = 0; k < substeps; k++)
        {
            WheelAngle += Math.Clamp(target - WheelAngle, -_p.SteerRate * h, _p.SteerRate * h);
            double a = Throttle * _p.MaxAccel - Brake * _p.MaxBrake - _p.Drag * Speed * Speed - (Speed > 0 ? _p.RollingResistance : 0);
            double vNew = Speed + a * h;
            if (vNew < 0) vNew = 0;
            double vMean = 0.5 * (Speed + vNew);
            double dist = vMean * h;
            double kappa = Math.Tan(WheelAngle) / _p.Wheelbase;
            if (vMean > 0)
            {
                double cap = _p.MaxLateralAccel / (vMean * vMean);
                kappa = Math.Clamp(kappa, -cap, cap);
            }
            double dTheta = kappa * dist;
            Vec2 f = Vec2.FromHeading(Heading);
            if (Math.Abs(dTheta) < 1e-9)
            {
                RearAxle += f * dist;
            }
            else
            {
                // Exact arc: chord of length 2 R sin(dTheta / 2) at the mean heading.
                double chord = 2 * Math.Sin(dTheta / 2) / kappa;
                RearAxle += Vec2.FromHeading(Heading + dTheta / 2) * chord;
            }
            Heading += dTheta;
            travelledHeading += dTheta;
            Speed = vNew;
        }
        Heading = Angles.Wrap(Heading);
        YawRate = travelledHeading / dt;
        LongitudinalAccel = (Speed - v0) / dt;
        LateralAccel = 0.5 * (v0 + Speed) * YawRate;
    }
}

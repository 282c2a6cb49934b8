namespace ControlRL.Envs.Driving.Simulation;

/// <summary>
/// The Intelligent Driver Model (Treiber, Hennecke, Helbing 2000, "Congested traffic states in empirical observations
/// and microscopic simulations", Phys. Rev. E 62): acceleration
/// a [1 - (v/v0)^delta - (s*/s)^2] with desired gap s* = s0 + max(0, v T + v dv / (2 sqrt(a b))), delta = 4.
/// </summary>
public readonly record struct IdmParameters(double MaxAccel, double ComfortDecel, double TimeHeadway, double MinGap)
{
    public const double Delta = 4;

    /// <summary>Acceleration on a free road towards <paramref name="desiredSpeed"/>.</summary>
    public double Free(double v, double desiredSpeed)
    {
        if (desiredSpeed <= 0) return -ComfortDecel;
        double r = v / desiredSpeed;
        return MaxAccel * (1 - r * r * r * r);
    }

    /// <summary>Acceleration behind a leader <paramref name="gap"/> metres ahead (bumper to bumper) moving at <paramref name="leaderSpeed"/>.</summary>
    public double Follow(double v, double desiredSpeed, double leaderSpeed, double gap) => Follow(v, desiredSpeed, leaderSpeed, gap, MinGap);

    /// <summary>As <see cref="Follow(double, double, double, double)"/> with another minimum gap (stop lines use a shorter one).</summary>
    public double Follow(double v, double desiredSpeed, double leaderSpeed, double gap, double minGap)
    {
        double sStar = minGap + Math.Max(0, v * TimeHeadway + v * (v - leaderSpeed) / (2 * Math.Sqrt(MaxAccel * ComfortDecel)));
        if (gap < 0.05) gap = 0.05;
        double q = sStar / gap;
        double r = desiredSpeed > 0 ? v / desiredSpeed : 1;
        return MaxAccel * (1 - r * r * r * r - q * q);
    }
}

using System.Security.Cryptography;
using ControlRL.Envs.Box2D.CarRacing;

namespace ControlRL.Envs.Box2D.Tests;

/// <summary>A pure-pursuit driver along the track's centre points, with speed lowered ahead of turns.</summary>
internal sealed class TrackFollower(CarRacingSim sim)
{
    private int _nearest;

    public void Reset() => _nearest = 0;

    public void Act(Span<float> action)
    {
        ReadOnlySpan<TrackPoint> track = sim.Track;
        int n = track.Length;
        double x = sim.CarX, y = sim.CarY;
        // The nearest centre point, searched a little ahead of the last one (the car drives forwards).
        double best = double.MaxValue;
        int from = _nearest;
        for (int k = -2; k < 12; k++)
        {
            int i = ((from + k) % n + n) % n;
            double d = Sq(track[i].X - x) + Sq(track[i].Y - y);
            if (d < best) { best = d; _nearest = i; }
        }
        double speed = sim.CarSpeed;
        int lookahead = 2 + (int)(speed / 12);
        TrackPoint target = track[(_nearest + lookahead) % n];
        double theta = sim.CarAngle;
        double fx = -Math.Sin(theta), fy = Math.Cos(theta); // car forward: local (0, 1)
        double rx = Math.Cos(theta), ry = Math.Sin(theta);  // car right: local (1, 0)
        double dx = target.X - x, dy = target.Y - y;
        double heading = Math.Atan2(dx * rx + dy * ry, dx * fx + dy * fy); // positive: target to the right
        float steer = (float)Math.Clamp(2.0 * heading, -1, 1);

        // Slow down for the sharpest heading change over the next stretch.
        double turn = 0;
        for (int k = 1; k < 14; k++)
        {
            double b0 = track[(_nearest + k - 1) % n].Beta, b1 = track[(_nearest + k) % n].Beta;
            turn = Math.Max(turn, Math.Abs(b1 - b0));
        }
        double targetSpeed = turn > 0.2 ? 38 : turn > 0.1 ? 50 : 70;
        float gas = speed < targetSpeed ? 1f : 0f;
        float brake = speed > targetSpeed + 6 ? 0.5f : 0f;
        if (sim.Continuous)
        {
            action[0] = steer;
            action[1] = Math.Abs(steer) > 0.6 ? Math.Min(gas, 0.3f) : gas;
            action[2] = brake;
        }
        else
        {
            action[0] = brake > 0 ? 4 : steer > 0.3f ? 1 : steer < -0.3f ? 2 : gas > 0 ? 3 : 0;
        }
    }

    private static double Sq(double v) => v * v;
}

internal static class CarRacingTestSupport
{
    /// <summary>SHA-256 of the observations every 10 steps and of the rewards, driving with the follower.</summary>
    public static string EpisodeHash(CarRacingSim sim, ulong seed, int steps)
    {
        sim.Reset(seed);
        var follower = new TrackFollower(sim);
        var obs = new byte[CarRacingSim.ObservationBytes];
        var action = new float[sim.ActionSize];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int t = 0; t < steps; t++)
        {
            follower.Act(action);
            (float r, bool done) = sim.Step(action);
            sha.AppendData(BitConverter.GetBytes(r));
            if (t % 10 == 0)
            {
                sim.RenderObservation(obs);
                sha.AppendData(obs);
            }
            if (done) break;
        }
        sim.RenderObservation(obs);
        sha.AppendData(obs);
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}

using ControlRL.Core.Random;
using ControlRL.Envs.Driving.Env;
using ControlRL.Scoring.NuPlan;

namespace ControlRL.Envs.Driving.Tests.Rewards;

public class ComfortFilterTests
{
    // CaRL's compute_comfort_penalty on a history, written out with the full filters: the reference.
    private static double[] Reference(List<double> lon, List<double> lat, List<double> yaw, double dt)
    {
        int n = lon.Count;
        var mag = lon.Zip(lat, (a, b) => Math.Sqrt(a * a + b * b)).ToArray();
        var lonS = SavitzkyGolay.Filter(lon, Math.Min(8, n), 2);
        var latS = SavitzkyGolay.Filter(lat, Math.Min(8, n), 2);
        var magS = SavitzkyGolay.Filter(mag, Math.Min(8, n), 2);
        return
        [
            lonS[^1], latS[^1],
            SavitzkyGolay.Filter(magS, Math.Min(15, n), 2, 1, dt)[^1],
            SavitzkyGolay.Filter(lonS, Math.Min(15, n), 2, 1, dt)[^1],
            SavitzkyGolay.Filter(yaw, Math.Min(5, n), 2, 1, dt)[^1],
            SavitzkyGolay.Filter(yaw, Math.Min(5, n), 3, 2, dt)[^1],
        ];
    }

    [Fact]
    public void TheSignalsAreCaRLsFilteredLastValues()
    {
        var f = new ComfortFilter(0.1);
        var rng = new Rng(4);
        List<double> lon = [], lat = [], yaw = [];
        double heading = 3.0;
        for (int t = 0; t < 40; t++)
        {
            double a = rng.Uniform(-3, 3), b = rng.Uniform(-2, 2);
            heading += rng.Uniform(-0.2, 0.2);
            // Headings arrive wrapped; the filter unwraps them (the reference gets them unwrapped).
            f.Add(a, b, Geometry.Angles.Wrap(heading));
            lon.Add(a);
            lat.Add(b);
            yaw.Add(heading);
            if (lon.Count > ComfortFilter.History)
            {
                lon.RemoveAt(0);
                lat.RemoveAt(0);
                yaw.RemoveAt(0);
            }
            Assert.Equal(t >= 7, f.Ready);
            if (!f.Ready) continue;
            var r = Reference(lon, lat, yaw, 0.1);
            double[] got = [f.LonAccel, f.LatAccel, f.Jerk, f.LonJerk, f.YawRate, f.YawAccel];
            for (int k = 0; k < 6; k++) Assert.True(Math.Abs(r[k] - got[k]) < 1e-9 * Math.Max(1, Math.Abs(r[k])), $"step {t}, signal {k}: {got[k]} vs {r[k]}");
        }
        f.Reset();
        Assert.False(f.Ready);
    }

    [Fact]
    public void AStepChangeOfThePedalIsSmoothedBelowCaRLsJerkLimit()
    {
        // Rest, then full throttle (3.5 m/s^2): a 35 m/s^3 jump between two samples, far less once filtered.
        var f = new ComfortFilter(0.1);
        double max = 0;
        for (int t = 0; t < 30; t++)
        {
            f.Add(t < 10 ? 0 : 3.5, 0, 0);
            if (f.Ready) max = Math.Max(max, Math.Abs(f.Jerk));
        }
        Assert.InRange(max, 1, 30);
    }
}

using ControlRL.Envs.Driving.Geometry;
using ControlRL.Scoring.NuPlan;

namespace ControlRL.Envs.Driving.Env;

/// <summary>
/// The six comfort signals as CaRL's <c>compute_comfort_penalty</c> measures them (autonomousvision/CaRL
/// team_code_roach/reward/simple_reward.py): the last 15 steps of longitudinal and lateral acceleration, of the
/// acceleration's magnitude and of the unwrapped yaw are kept; from the 8th step on, the accelerations are smoothed by
/// a Savitzky-Golay filter (window 8, order 2), the jerk and longitudinal jerk are the filter's derivative (window up
/// to 15, order 2) of the smoothed magnitude and longitudinal acceleration, the yaw rate and yaw acceleration the first
/// (order 2) and second (order 3) derivatives over 5 samples of the yaw; the last value of each is what is judged.
/// The filters are scipy's <c>savgol_filter</c> (mode 'interp', <see cref="SavitzkyGolay"/>), linear, so their
/// weights for each history length are taken once at construction; a step allocates nothing.
/// </summary>
internal sealed class ComfortFilter
{
    public const int History = 15, MinHistory = 8;

    private readonly double[] _lon = new double[History], _lat = new double[History], _mag = new double[History], _yaw = new double[History];
    private readonly double[] _lonS = new double[History], _magS = new double[History];
    // Per history length n (MinHistory..History): the window-8 smoother as an n x n matrix, and the weights giving the
    // last sample of the jerk (window n) and of the yaw rate and yaw acceleration (window 5).
    private readonly double[][] _smooth = new double[History + 1][];
    private readonly double[][] _jerk = new double[History + 1][];
    private readonly double[][] _yawRate = new double[History + 1][];
    private readonly double[][] _yawAccel = new double[History + 1][];
    private int _count;
    private double _lastRawYaw;

    public ComfortFilter(double dt)
    {
        for (int n = MinHistory; n <= History; n++)
        {
            _smooth[n] = new double[n * n];
            for (int j = 0; j < n; j++)
            {
                var y = SavitzkyGolay.Filter(Unit(n, j), Math.Min(8, n), 2);
                for (int i = 0; i < n; i++) _smooth[n][i * n + j] = y[i];
            }
            _jerk[n] = LastWeights(n, Math.Min(15, n), 2, 1, dt);
            _yawRate[n] = LastWeights(n, Math.Min(5, n), 2, 1, dt);
            _yawAccel[n] = LastWeights(n, Math.Min(5, n), 3, 2, dt);
        }
    }

    private static double[] Unit(int n, int j)
    {
        var e = new double[n];
        e[j] = 1;
        return e;
    }

    private static double[] LastWeights(int n, int window, int order, int deriv, double dt)
    {
        var w = new double[n];
        for (int j = 0; j < n; j++) w[j] = SavitzkyGolay.Filter(Unit(n, j), window, order, deriv, dt)[n - 1];
        return w;
    }

    /// <summary>Whether enough history is kept for the signals to be judged (CaRL skips the first 7 steps).</summary>
    public bool Ready => _count >= MinHistory;

    public double LonAccel { get; private set; }
    public double LatAccel { get; private set; }
    public double Jerk { get; private set; }
    public double LonJerk { get; private set; }
    public double YawRate { get; private set; }
    public double YawAccel { get; private set; }

    public void Reset() => _count = 0;

    /// <summary>Adds one step's accelerations (ego frame, m/s^2) and heading (rad); updates the signals once <see cref="Ready"/>.</summary>
    public void Add(double lonAccel, double latAccel, double heading)
    {
        double yaw = _count == 0 ? heading : _yaw[_count - 1] + Angles.Wrap(heading - _lastRawYaw);
        _lastRawYaw = heading;
        if (_count == History)
        {
            Shift(_lon);
            Shift(_lat);
            Shift(_mag);
            Shift(_yaw);
            _count--;
        }
        _lon[_count] = lonAccel;
        _lat[_count] = latAccel;
        _mag[_count] = Math.Sqrt(lonAccel * lonAccel + latAccel * latAccel);
        _yaw[_count] = yaw;
        _count++;
        if (!Ready) return;

        int n = _count;
        var m = _smooth[n];
        double latS = 0;
        for (int i = 0; i < n; i++)
        {
            double a = 0, b = 0;
            for (int j = 0; j < n; j++)
            {
                a += m[i * n + j] * _lon[j];
                b += m[i * n + j] * _mag[j];
            }
            _lonS[i] = a;
            _magS[i] = b;
        }
        for (int j = 0; j < n; j++) latS += m[(n - 1) * n + j] * _lat[j];
        LonAccel = _lonS[n - 1];
        LatAccel = latS;
        Jerk = Dot(_jerk[n], _magS, n);
        LonJerk = Dot(_jerk[n], _lonS, n);
        YawRate = Dot(_yawRate[n], _yaw, n);
        YawAccel = Dot(_yawAccel[n], _yaw, n);
    }

    private static void Shift(double[] a) => Array.Copy(a, 1, a, 0, a.Length - 1);

    private static double Dot(double[] w, double[] x, int n)
    {
        double s = 0;
        for (int j = 0; j < n; j++) s += w[j] * x[j];
        return s;
    }
}

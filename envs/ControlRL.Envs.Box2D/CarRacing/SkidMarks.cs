namespace ControlRL.Envs.Box2D.CarRacing;

/// <summary>
/// The skid traces of Gymnasium gymnasium/envs/box2d/car_dynamics.py (Car.step's particles): while a wheel's
/// friction force exceeds twice its limit, its positions form polylines (black on road, mud on grass) of up to
/// 30 points, the last 30 traces kept. Drawn in video frames only, as the reference does. Allocation-free: a pool
/// big enough for the kept traces plus one held by each wheel after it left the queue.
/// </summary>
internal sealed class SkidMarks
{
    public const int MaxTraces = 30;
    public const int MaxPoints = 30;

    internal sealed class Trace
    {
        public readonly double[] X = new double[MaxPoints];
        public readonly double[] Y = new double[MaxPoints];
        public int Count;
        public bool Grass;
    }

    private readonly Trace[] _pool = new Trace[MaxTraces + 4 + 1];
    private readonly Trace?[] _queue = new Trace?[MaxTraces]; // ring, oldest at _head
    private int _head, _count;
    private readonly Trace?[] _wheelTrace = new Trace?[4];
    private readonly bool[] _hasStart = new bool[4];
    private readonly double[] _startX = new double[4], _startY = new double[4];

    public SkidMarks()
    {
        for (int i = 0; i < _pool.Length; i++) _pool[i] = new Trace();
    }

    public int Count => _count;

    /// <summary>The i-th kept trace, oldest first.</summary>
    public Trace this[int i] => _queue[(_head + i) % MaxTraces]!;

    public void Clear()
    {
        Array.Clear(_queue);
        _head = _count = 0;
        Array.Clear(_wheelTrace);
        Array.Clear(_hasStart);
    }

    /// <summary>One wheel's update in Car.step: (x, y) is its position then, grass whether it touched no tile.</summary>
    public void Update(int wheel, bool skid, bool grass, double x, double y)
    {
        if (!skid)
        {
            _hasStart[wheel] = false;
            _wheelTrace[wheel] = null;
            return;
        }
        Trace? t = _wheelTrace[wheel];
        if (t is not null && t.Grass == grass && t.Count < MaxPoints)
        {
            t.X[t.Count] = x;
            t.Y[t.Count] = y;
            t.Count++;
        }
        else if (!_hasStart[wheel])
        {
            _hasStart[wheel] = true;
            _startX[wheel] = x;
            _startY[wheel] = y;
        }
        else
        {
            t = Take();
            t.X[0] = _startX[wheel];
            t.Y[0] = _startY[wheel];
            t.X[1] = x;
            t.Y[1] = y;
            t.Count = 2;
            t.Grass = grass;
            if (_count == MaxTraces)
            {
                _queue[_head] = null;
                _head = (_head + 1) % MaxTraces;
                _count--;
            }
            _queue[(_head + _count) % MaxTraces] = t;
            _count++;
            _wheelTrace[wheel] = t;
            _hasStart[wheel] = false;
        }
    }

    // A trace neither queued nor held by a wheel (a wheel keeps extending its trace after the queue dropped it).
    private Trace Take()
    {
        foreach (Trace t in _pool)
        {
            bool used = false;
            for (int i = 0; i < _count && !used; i++) used = ReferenceEquals(_queue[(_head + i) % MaxTraces], t);
            for (int w = 0; w < 4 && !used; w++) used = ReferenceEquals(_wheelTrace[w], t);
            if (!used) return t;
        }
        throw new InvalidOperationException("Skid trace pool exhausted.");
    }
}

using System.Numerics;

namespace ControlRL.Learning.Curricula;

/// <summary>
/// Exact nearest-neighbour search over a growing set of float points, by a SIMD linear scan over one column
/// per dimension. For the task dimensions of curricula (up to ~12) a kd-tree degenerates towards a full scan
/// (on 100k uniform 12-D points a buffered tree was slower than this scan, and needs rebuilds). Ties go to the
/// lowest index, so the answer depends only on the points: a restored checkpoint answers as the original run.
/// </summary>
public sealed class NearestNeighborIndex
{
    private readonly int _dim;
    private float[][] _columns;
    private int _count;

    public NearestNeighborIndex(int dimension)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension));
        _dim = dimension;
        _columns = new float[dimension][];
        for (int j = 0; j < dimension; j++) _columns[j] = new float[64];
    }

    public int Count => _count;

    public float Coordinate(int index, int dimension) => _columns[dimension][index];

    public void Add(ReadOnlySpan<float> point)
    {
        if (point.Length != _dim) throw new ArgumentException($"A point has {_dim} coordinates, got {point.Length}.", nameof(point));
        if (_count == _columns[0].Length)
        {
            int cap = _count * 2;
            for (int j = 0; j < _dim; j++) Array.Resize(ref _columns[j], cap);
        }
        for (int j = 0; j < _dim; j++) _columns[j][_count] = point[j];
        _count++;
    }

    public void Clear() => _count = 0;

    /// <summary>Index of the nearest stored point (Euclidean, float arithmetic; lowest index among equals); -1 when empty.</summary>
    public int Nearest(ReadOnlySpan<float> query)
    {
        if (query.Length != _dim) throw new ArgumentException($"A query has {_dim} coordinates, got {query.Length}.", nameof(query));
        if (_count == 0) return -1;
        int n = _count, w = Vector<float>.Count;
        int best = -1;
        float bestD = float.PositiveInfinity;
        Span<float> lanes = stackalloc float[w];
        // One pass over the points, all dimensions per block, so each column is read once per query.
        int full = n - n % w;
        for (int i = 0; i < full; i += w)
        {
            var acc = Vector<float>.Zero;
            for (int j = 0; j < _dim; j++)
            {
                var t = new Vector<float>(_columns[j], i) - new Vector<float>(query[j]);
                acc += t * t;
            }
            if (!Vector.LessThanAny(acc, new Vector<float>(bestD))) continue;
            acc.CopyTo(lanes);
            for (int l = 0; l < w; l++)
            {
                if (lanes[l] < bestD) { bestD = lanes[l]; best = i + l; }
            }
        }
        for (int i = full; i < n; i++)
        {
            float d = 0;
            for (int j = 0; j < _dim; j++)
            {
                float t = _columns[j][i] - query[j];
                d += t * t;
            }
            if (d < bestD) { bestD = d; best = i; }
        }
        return best;
    }
}

namespace ControlRL.Core.Spaces;

/// <summary>
/// Rows of elements of a space, struct-of-arrays: one typed array per leaf (<c>float[]</c>, <c>byte[]</c> or
/// <c>int[]</c>), each <c>[Rows x leaf size]</c>. Vector envs, wrappers and rollout storage keep observations in
/// these, so pixels stay uint8 end to end and a flat float task is one plain <c>float[]</c>.
/// </summary>
public sealed class ObservationBatch
{
    private readonly Array[] _data;
    private readonly int[] _sizes;
    private readonly DType[] _dtypes;

    public ObservationBatch(Space space, int rows)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Space = space;
        Rows = rows;
        var leaves = space.Leaves;
        _data = new Array[leaves.Count];
        _sizes = new int[leaves.Count];
        _dtypes = new DType[leaves.Count];
        for (int i = 0; i < leaves.Count; i++)
        {
            var s = leaves[i].Space;
            _sizes[i] = s.FlatSize;
            _dtypes[i] = s.DType;
            long n = (long)rows * s.FlatSize;
            if (n > Array.MaxLength)
                throw new ArgumentException($"{rows} rows of leaf '{leaves[i].Key}' ({s.Describe()}) exceed the largest array ({n} values).");
            _data[i] = s.DType switch
            {
                DType.Float32 => new float[n],
                DType.UInt8 => new byte[n],
                _ => new int[n],
            };
        }
    }

    public Space Space { get; }
    public int Rows { get; }
    public int LeafCount => _data.Length;
    public bool IsFlatFloat => Space.IsFlatFloat;

    public int LeafSize(int leaf) => _sizes[leaf];
    public DType LeafDType(int leaf) => _dtypes[leaf];
    public string LeafKey(int leaf) => Space.Leaves[leaf].Key;

    /// <summary>The whole array of a leaf; throws if the leaf has another dtype.</summary>
    public float[] Floats(int leaf = 0) => _data[leaf] as float[] ?? throw WrongType(leaf, DType.Float32);
    public byte[] Bytes(int leaf = 0) => _data[leaf] as byte[] ?? throw WrongType(leaf, DType.UInt8);
    public int[] Ints(int leaf = 0) => _data[leaf] as int[] ?? throw WrongType(leaf, DType.Int32);

    /// <summary>The leaf's array, untyped (for copying and for building tensors).</summary>
    public Array Data(int leaf) => _data[leaf];

    public Span<float> FloatRow(int leaf, int row) => Floats(leaf).AsSpan(row * _sizes[leaf], _sizes[leaf]);
    public Span<byte> ByteRow(int leaf, int row) => Bytes(leaf).AsSpan(row * _sizes[leaf], _sizes[leaf]);
    public Span<int> IntRow(int leaf, int row) => Ints(leaf).AsSpan(row * _sizes[leaf], _sizes[leaf]);

    public ObsRow Row(int row)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"The batch has {Rows} rows.");
        return new ObsRow(this, row);
    }

    /// <summary>Copies row <paramref name="row"/> into row <paramref name="dstRow"/> of <paramref name="dst"/> (same space layout).</summary>
    public void CopyRow(int row, ObservationBatch dst, int dstRow) => CopyRows(row, dst, dstRow, 1);

    /// <summary>Copies <paramref name="count"/> rows starting at <paramref name="row"/> into <paramref name="dst"/> at <paramref name="dstRow"/>.</summary>
    public void CopyRows(int row, ObservationBatch dst, int dstRow, int count)
    {
        CheckSameLayout(dst);
        for (int i = 0; i < _data.Length; i++)
            Array.Copy(_data[i], (long)row * _sizes[i], dst._data[i], (long)dstRow * _sizes[i], (long)count * _sizes[i]);
    }

    /// <summary>Copies all rows into <paramref name="dst"/> starting at row <paramref name="dstRow"/>.</summary>
    public void CopyTo(ObservationBatch dst, int dstRow = 0) => CopyRows(0, dst, dstRow, Rows);

    public void Clear()
    {
        foreach (var a in _data) Array.Clear(a);
    }

    private void CheckSameLayout(ObservationBatch dst)
    {
        if (ReferenceEquals(dst.Space, Space)) return;
        if (dst._data.Length != _data.Length)
            throw new ArgumentException($"Observation layouts differ: {Space.Describe()} vs {dst.Space.Describe()}.");
        for (int i = 0; i < _data.Length; i++)
        {
            if (dst._sizes[i] != _sizes[i] || dst._dtypes[i] != _dtypes[i])
                throw new ArgumentException($"Observation layouts differ at leaf {i}: {Space.Describe()} vs {dst.Space.Describe()}.");
        }
    }

    private InvalidOperationException WrongType(int leaf, DType wanted) =>
        new($"Observation leaf {leaf}{(LeafKey(leaf).Length > 0 ? $" ('{LeafKey(leaf)}')" : "")} is {_dtypes[leaf].Name()}, not {wanted.Name()}.");
}

/// <summary>
/// One element's slots, where an env writes an observation: a row of an <see cref="ObservationBatch"/>, or a plain
/// float span (the flat path; <c>float[]</c> and <c>Span&lt;float&gt;</c> convert implicitly). No allocation.
/// </summary>
public readonly ref struct ObsRow
{
    private readonly Span<float> _flat;
    private readonly ObservationBatch? _batch;
    private readonly int _row;

    public ObsRow(Span<float> flat)
    {
        _flat = flat;
        _batch = null;
        _row = 0;
    }

    public ObsRow(ObservationBatch batch, int row)
    {
        _flat = default;
        _batch = batch;
        _row = row;
    }

    public static implicit operator ObsRow(Span<float> flat) => new(flat);
    public static implicit operator ObsRow(float[] flat) => new(flat);

    public ObservationBatch? Batch => _batch;
    public int Index => _row;

    /// <summary>Leaf <paramref name="leaf"/> as floats (the only leaf of a flat row).</summary>
    public Span<float> Float(int leaf = 0)
    {
        if (_batch is not null) return _batch.FloatRow(leaf, _row);
        if (leaf != 0) throw new ArgumentOutOfRangeException(nameof(leaf), leaf, "A flat observation has one leaf.");
        return _flat;
    }

    public Span<byte> UInt8(int leaf = 0) =>
        _batch is not null ? _batch.ByteRow(leaf, _row) : throw new InvalidOperationException("A flat float observation has no uint8 leaf.");

    public Span<int> Int32(int leaf = 0) =>
        _batch is not null ? _batch.IntRow(leaf, _row) : throw new InvalidOperationException("A flat float observation has no int32 leaf.");

    /// <summary>Copies every leaf into <paramref name="dst"/> (same layout).</summary>
    public void CopyTo(ObsRow dst)
    {
        if (_batch is null)
        {
            _flat.CopyTo(dst.Float());
            return;
        }
        if (dst._batch is null)
        {
            Float().CopyTo(dst._flat);
            return;
        }
        _batch.CopyRow(_row, dst._batch, dst._row);
    }
}

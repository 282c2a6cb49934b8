using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ControlRL.Core.Spaces;

/// <summary>
/// Memory for one leaf that someone else owns (e.g. a libtorch tensor's storage), so a leaf can outgrow the largest
/// .NET array: a 64k-sample rollout of 64x64x10 uint8 rasters is 2.7 GB. <see cref="Owner"/> keeps the memory alive
/// for as long as the batch is used and is disposed by whoever allocated it, never by the batch.
/// </summary>
public sealed record LeafMemory(IntPtr Pointer, long Bytes, IDisposable Owner);

/// <summary>Allocates memory for leaf <paramref name="leaf"/> of <paramref name="elements"/> values of <paramref name="dtype"/>; null keeps a managed array.</summary>
public delegate LeafMemory? LeafAllocator(int leaf, DType dtype, long elements);

/// <summary>
/// Rows of elements of a space, struct-of-arrays: one typed array per leaf (<c>float[]</c>, <c>byte[]</c> or
/// <c>int[]</c>), each <c>[Rows x leaf size]</c>. Vector envs, wrappers and rollout storage keep observations in
/// these, so pixels stay uint8 end to end and a flat float task is one plain <c>float[]</c>. A leaf may instead live
/// in external memory (<see cref="LeafMemory"/>, chosen by a <see cref="LeafAllocator"/>): rows and copies work the
/// same, only the whole-array accessors (<see cref="Bytes"/>, <see cref="Data"/>) are unavailable for it.
/// </summary>
public sealed unsafe class ObservationBatch
{
    private readonly Array?[] _data;
    private readonly LeafMemory?[] _native;
    private readonly int[] _sizes;
    private readonly DType[] _dtypes;

    public ObservationBatch(Space space, int rows) : this(space, rows, null) { }

    public ObservationBatch(Space space, int rows, LeafAllocator? allocator)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Space = space;
        Rows = rows;
        var leaves = space.Leaves;
        _data = new Array?[leaves.Count];
        _native = new LeafMemory?[leaves.Count];
        _sizes = new int[leaves.Count];
        _dtypes = new DType[leaves.Count];
        for (int i = 0; i < leaves.Count; i++)
        {
            var s = leaves[i].Space;
            _sizes[i] = s.FlatSize;
            _dtypes[i] = s.DType;
            long n = (long)rows * s.FlatSize;
            if (allocator?.Invoke(i, s.DType, n) is { } memory)
            {
                if (memory.Pointer == IntPtr.Zero || memory.Bytes < n * ElementSize(s.DType))
                    throw new ArgumentException($"The memory given for leaf '{leaves[i].Key}' holds {memory.Bytes} bytes; {rows} rows need {n * ElementSize(s.DType)}.");
                _native[i] = memory;
                continue;
            }
            if (n > Array.MaxLength)
                throw new ArgumentException($"{rows} rows of leaf '{leaves[i].Key}' ({s.Describe()}) exceed the largest array ({n} values); give the batch a LeafAllocator for external memory.");
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

    /// <summary>The whole array of a leaf; throws if the leaf has another dtype or lives in external memory.</summary>
    public float[] Floats(int leaf = 0) => Managed(leaf) as float[] ?? throw WrongType(leaf, DType.Float32);
    public byte[] Bytes(int leaf = 0) => Managed(leaf) as byte[] ?? throw WrongType(leaf, DType.UInt8);
    public int[] Ints(int leaf = 0) => Managed(leaf) as int[] ?? throw WrongType(leaf, DType.Int32);

    /// <summary>The leaf's array, untyped (for copying and for building tensors); throws for a leaf in external memory.</summary>
    public Array Data(int leaf) => Managed(leaf);

    /// <summary>The external memory of a leaf, or null when it is a managed array.</summary>
    public LeafMemory? External(int leaf) => _native[leaf];

    public Span<float> FloatRow(int leaf, int row) => Row<float>(leaf, row, DType.Float32);
    public Span<byte> ByteRow(int leaf, int row) => Row<byte>(leaf, row, DType.UInt8);
    public Span<int> IntRow(int leaf, int row) => Row<int>(leaf, row, DType.Int32);

    private Span<T> Row<T>(int leaf, int row, DType dtype) where T : unmanaged
    {
        if (_native[leaf] is { } m)
        {
            if (_dtypes[leaf] != dtype) throw WrongType(leaf, dtype);
            if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"The batch has {Rows} rows.");
            return new Span<T>((T*)m.Pointer + (long)row * _sizes[leaf], _sizes[leaf]);
        }
        var array = _data[leaf] as T[] ?? throw WrongType(leaf, dtype);
        return array.AsSpan(row * _sizes[leaf], _sizes[leaf]);
    }

    private Array Managed(int leaf) => _data[leaf] ?? throw new InvalidOperationException(
        $"Observation leaf {leaf}{(LeafKey(leaf).Length > 0 ? $" ('{LeafKey(leaf)}')" : "")} lives in external memory; use its rows.");

    private static int ElementSize(DType d) => d == DType.UInt8 ? 1 : 4;

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
        if ((uint)row > (uint)Rows || (uint)count > (uint)(Rows - row) || (uint)dstRow > (uint)dst.Rows || (uint)count > (uint)(dst.Rows - dstRow))
            throw new ArgumentOutOfRangeException(nameof(count), $"Copying rows [{row}, {row + count}) to [{dstRow}, {dstRow + count}) of batches of {Rows} and {dst.Rows} rows.");
        for (int i = 0; i < _data.Length; i++)
        {
            if (_data[i] is { } a && dst._data[i] is { } b)
            {
                Array.Copy(a, (long)row * _sizes[i], b, (long)dstRow * _sizes[i], (long)count * _sizes[i]);
                continue;
            }
            // External memory on either side: byte copies in chunks a span can hold.
            long es = ElementSize(_dtypes[i]), rowBytes = _sizes[i] * es;
            long total = count * rowBytes, done = 0;
            while (done < total)
            {
                int chunk = (int)Math.Min(total - done, 1 << 30);
                LeafBytes(i, row * rowBytes + done, chunk).CopyTo(dst.LeafBytes(i, dstRow * rowBytes + done, chunk));
                done += chunk;
            }
        }
    }

    // A byte range of a leaf, managed or external.
    private Span<byte> LeafBytes(int leaf, long offset, int length)
    {
        if (_native[leaf] is { } m) return new Span<byte>((byte*)m.Pointer + offset, length);
        ref byte start = ref MemoryMarshal.GetArrayDataReference(_data[leaf]!);
        return MemoryMarshal.CreateSpan(ref Unsafe.AddByteOffset(ref start, (nint)offset), length);
    }

    /// <summary>Copies all rows into <paramref name="dst"/> starting at row <paramref name="dstRow"/>.</summary>
    public void CopyTo(ObservationBatch dst, int dstRow = 0) => CopyRows(0, dst, dstRow, Rows);

    public void Clear()
    {
        for (int i = 0; i < _data.Length; i++)
        {
            if (_data[i] is { } a) Array.Clear(a);
            else NativeMemory.Clear((void*)_native[i]!.Pointer, (nuint)((long)Rows * _sizes[i] * ElementSize(_dtypes[i])));
        }
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

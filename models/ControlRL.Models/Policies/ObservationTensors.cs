using ControlRL.Core.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Models.Policies;

/// <summary>
/// Observation rows as tensors, one per leaf of the space in leaf order, each [rows x leaf shape] in the leaf's
/// own dtype (uint8 images stay uint8; the network scales them). These are copies (for occasional use: final
/// observations, evaluation); hot loops view their batches through <see cref="PinnedObservations"/>.
/// </summary>
public static class ObservationTensors
{
    /// <summary>A leaf's element shape: a Box's shape, else [FlatSize].</summary>
    public static long[] LeafShape(Space leaf) => leaf is Box b ? b.Shape.Select(d => (long)d).ToArray() : [leaf.FlatSize];

    /// <summary>Rows [start, start + count) of every leaf.</summary>
    public static Tensor[] Rows(ObservationBatch batch, int start, int count, Device device)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (start < 0 || count < 0 || start + count > batch.Rows)
            throw new ArgumentOutOfRangeException(nameof(count), $"Rows [{start}, {start + count}) are outside the batch's {batch.Rows}.");
        var leaves = batch.Space.Leaves;
        var result = new Tensor[leaves.Count];
        for (int i = 0; i < leaves.Count; i++)
        {
            long[] shape = [count, .. LeafShape(leaves[i].Space)];
            int size = batch.LeafSize(i);
            Tensor t = batch.LeafDType(i) switch
            {
                DType.Float32 => tensor(batch.Floats(i).AsMemory(start * size, count * size), shape),
                DType.UInt8 => tensor(batch.Bytes(i).AsMemory(start * size, count * size), shape),
                _ => tensor(batch.Ints(i).AsMemory(start * size, count * size), shape),
            };
            result[i] = device.type == DeviceType.CPU ? t : t.to(device);
        }
        return result;
    }

    /// <summary>Every row.</summary>
    public static Tensor[] All(ObservationBatch batch, Device device) => Rows(batch, 0, batch.Rows, device);

    /// <summary>Rows of every leaf picked by <paramref name="index"/> (int64 [k]).</summary>
    public static Tensor[] Select(Tensor[] leaves, Tensor index)
    {
        var result = new Tensor[leaves.Length];
        for (int i = 0; i < leaves.Length; i++) result[i] = leaves[i].index_select(0, index);
        return result;
    }
}

/// <summary>
/// An <see cref="ObservationBatch"/>'s leaf arrays viewed by tensors without copying (each array is pinned for the
/// lifetime of this object), for the hot paths: acting on the vector env's buffers every step and minibatches over
/// a rollout. Views taken with <see cref="Rows"/> share the arrays' memory on the CPU, so they are only valid until
/// the batch is written again; on another device they are copies.
/// </summary>
/// <remarks>
/// Copying here would allocate a managed array the size of the rows per call (TorchSharp's
/// <c>tensor(Memory&lt;T&gt;)</c> clones), and every garbage collection risks TorchSharp 0.107's finalizer race on
/// temporary <c>Scalar</c>s (a Scalar can be finalized while the native op that uses it runs); so the hot loops
/// view the arrays instead and allocate little beyond TorchSharp's own tensor handles.
/// </remarks>
public sealed class PinnedObservations : IDisposable
{
    private readonly ObservationBatch _batch;
    private readonly Tensor[] _whole;
    private readonly bool[] _owned;
    private readonly long[][] _shapes;

    public PinnedObservations(ObservationBatch batch)
    {
        _batch = batch ?? throw new ArgumentNullException(nameof(batch));
        var leaves = batch.Space.Leaves;
        _whole = new Tensor[leaves.Count];
        _owned = new bool[leaves.Count];
        _shapes = new long[leaves.Count][];
        for (int i = 0; i < leaves.Count; i++)
        {
            if (batch.External(i) is { } memory)
            {
                // A leaf in a tensor's own storage (TensorLeafAllocator): view that tensor; its allocator frees it.
                _whole[i] = memory.Owner as Tensor ?? throw new ArgumentException(
                    $"Observation leaf '{leaves[i].Key}' lives in external memory that is not a tensor's; allocate it with TensorLeafAllocator.");
            }
            else
            {
                // from_array shares the array (pinned until the tensor is freed); kept out of any dispose scope.
                _whole[i] = from_array(batch.Data(i)).DetachFromDisposeScope();
                _owned[i] = true;
            }
            _shapes[i] = [0, .. ObservationTensors.LeafShape(leaves[i].Space)];
        }
    }

    public ObservationBatch Batch => _batch;

    /// <summary>Rows [start, start + count) of every leaf, [count x leaf shape].</summary>
    public Tensor[] Rows(int start, int count, Device device)
    {
        if (start < 0 || count < 0 || start + count > _batch.Rows)
            throw new ArgumentOutOfRangeException(nameof(count), $"Rows [{start}, {start + count}) are outside the batch's {_batch.Rows}.");
        var result = new Tensor[_whole.Length];
        for (int i = 0; i < _whole.Length; i++)
        {
            long size = _batch.LeafSize(i);
            var shape = (long[])_shapes[i].Clone();
            shape[0] = count;
            var view = _whole[i].narrow(0, start * size, count * size).view(shape);
            result[i] = device.type == DeviceType.CPU ? view : view.to(device);
        }
        return result;
    }

    public Tensor[] All(Device device) => Rows(0, _batch.Rows, device);

    public void Dispose()
    {
        for (int i = 0; i < _whole.Length; i++)
        {
            if (_owned[i]) _whole[i].Dispose();
        }
    }
}

/// <summary>
/// Puts large leaves of an <see cref="ObservationBatch"/> in libtorch's own storage: one flat tensor per leaf, which
/// <see cref="PinnedObservations"/> views without a copy. This lets a rollout hold more than the largest .NET array
/// (65,536 samples of 64x64x10 uint8 rasters are 2.7 GB) and never holds the images twice. Dispose frees them.
/// </summary>
public sealed class TensorLeafAllocator : IDisposable
{
    private readonly List<Tensor> _tensors = [];
    private readonly long _minBytes;

    /// <param name="minBytes">Leaves smaller than this stay managed arrays (0: every leaf goes to libtorch).</param>
    public TensorLeafAllocator(long minBytes = 0) => _minBytes = minBytes;

    public LeafMemory? Allocate(int leaf, DType dtype, long elements)
    {
        var type = dtype switch
        {
            DType.UInt8 => ScalarType.Byte,
            DType.Float32 => ScalarType.Float32,
            _ => ScalarType.Int32,
        };
        long bytes = elements * (dtype == DType.UInt8 ? 1 : 4);
        if (bytes < _minBytes) return null;
        var t = zeros([elements], type).DetachFromDisposeScope();
        _tensors.Add(t);
        IntPtr pointer = type switch
        {
            ScalarType.Byte => t.storage<byte>().data_ptr(),
            ScalarType.Float32 => t.storage<float>().data_ptr(),
            _ => t.storage<int>().data_ptr(),
        };
        return new LeafMemory(pointer, bytes, t);
    }

    public void Dispose()
    {
        foreach (var t in _tensors) t.Dispose();
        _tensors.Clear();
    }
}

using ControlRL.Core.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Models.Policies;

/// <summary>
/// Observation rows as tensors, one per leaf of the space in leaf order, each [rows x leaf shape] in the leaf's
/// own dtype (uint8 images stay uint8; the network scales them). On the CPU the tensors share the batch's
/// memory (no copy); call inside a dispose scope and do not keep them past the next write to the batch.
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

using System.Runtime.InteropServices;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Tests;

/// <summary>Leaves in external memory (what lets an image rollout outgrow the largest .NET array) behave like managed ones.</summary>
public sealed unsafe class ExternalLeafTests
{
    private sealed class NativeBlock : IDisposable
    {
        public NativeBlock(long bytes)
        {
            Pointer = (IntPtr)NativeMemory.AllocZeroed((nuint)bytes);
            Bytes = bytes;
        }

        public IntPtr Pointer { get; private set; }
        public long Bytes { get; }

        public void Dispose()
        {
            NativeMemory.Free((void*)Pointer);
            Pointer = IntPtr.Zero;
        }
    }

    private static readonly Dict Space = new(("image", Box.Image(4, 3, 2)), ("state", Box.Uniform(3, -1f, 1f)));

    private static (ObservationBatch Batch, List<NativeBlock> Blocks) External(int rows, bool floats = true)
    {
        var blocks = new List<NativeBlock>();
        var batch = new ObservationBatch(Space, rows, (leaf, dtype, elements) =>
        {
            if (dtype == DType.Float32 && !floats) return null;
            var b = new NativeBlock(elements * (dtype == DType.UInt8 ? 1 : 4));
            blocks.Add(b);
            return new LeafMemory(b.Pointer, b.Bytes, b);
        });
        return (batch, blocks);
    }

    private static void Fill(ObservationBatch b, int seed)
    {
        for (int r = 0; r < b.Rows; r++)
        {
            var img = b.ByteRow(0, r);
            for (int k = 0; k < img.Length; k++) img[k] = (byte)(seed + 7 * r + k);
            var st = b.FloatRow(1, r);
            for (int k = 0; k < st.Length; k++) st[k] = seed + r + 0.25f * k;
        }
    }

    [Fact]
    public void RowsCopiesAndClearWorkAcrossManagedAndExternalLeaves()
    {
        var (ext, blocks) = External(5, floats: false);
        Assert.NotNull(ext.External(0));
        Assert.Null(ext.External(1));
        var managed = new ObservationBatch(Space, 5);
        Fill(managed, 3);
        managed.CopyRows(1, ext, 0, 4);
        for (int r = 0; r < 4; r++)
        {
            Assert.True(managed.ByteRow(0, r + 1).SequenceEqual(ext.ByteRow(0, r)));
            Assert.True(managed.FloatRow(1, r + 1).SequenceEqual(ext.FloatRow(1, r)));
        }
        var back = new ObservationBatch(Space, 5);
        ext.CopyRows(0, back, 1, 4);
        Assert.True(back.ByteRow(0, 2).SequenceEqual(managed.ByteRow(0, 2)));
        ext.Clear();
        Assert.All(ext.ByteRow(0, 3).ToArray(), v => Assert.Equal(0, v));
        Assert.All(ext.FloatRow(1, 3).ToArray(), v => Assert.Equal(0f, v));
        blocks.ForEach(b => b.Dispose());
    }

    [Fact]
    public void ExternalToExternalCopyAndRowsViewTheSameMemory()
    {
        var (a, ba) = External(3);
        var (b, bb) = External(3);
        Fill(a, 11);
        a.CopyTo(b);
        Assert.True(a.ByteRow(0, 2).SequenceEqual(b.ByteRow(0, 2)));
        Assert.True(a.FloatRow(1, 2).SequenceEqual(b.FloatRow(1, 2)));
        // A row is a view: writing through it writes the external block.
        b.ByteRow(0, 1)[0] = 200;
        Assert.Equal(200, ((byte*)b.External(0)!.Pointer)[1 * 24]);
        ba.Concat(bb).ToList().ForEach(x => x.Dispose());
    }

    [Fact]
    public void WholeArrayAccessorsRefuseExternalLeavesWithTheLeafName()
    {
        var (ext, blocks) = External(2);
        var e = Assert.Throws<InvalidOperationException>(() => ext.Bytes(0));
        Assert.Contains("'image'", e.Message);
        Assert.Contains("external memory", e.Message);
        Assert.Throws<InvalidOperationException>(() => ext.Data(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ext.ByteRow(0, 2));
        Assert.Throws<InvalidOperationException>(() => ext.FloatRow(0, 0));
        blocks.ForEach(b => b.Dispose());
    }

    [Fact]
    public void TooSmallExternalMemoryAndOversizedManagedLeavesAreRefused()
    {
        using var small = new NativeBlock(10);
        var e = Assert.Throws<ArgumentException>(() => new ObservationBatch(Space, 2, (_, _, _) => new LeafMemory(small.Pointer, small.Bytes, small)));
        Assert.Contains("'image'", e.Message);
        // 100,000 rows of a 64x64x10 raster are 4 GB: more than one array, so the message points at an allocator.
        var big = new Dict(("bev", Box.Image(64, 64, 10)));
        var e2 = Assert.Throws<ArgumentException>(() => new ObservationBatch(big, 100_000));
        Assert.Contains("LeafAllocator", e2.Message);
    }

    [Fact]
    public void CopyRowsOutOfRangeIsRefused()
    {
        var (ext, blocks) = External(3);
        var managed = new ObservationBatch(Space, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => ext.CopyRows(2, managed, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => managed.CopyRows(0, ext, 2, 2));
        blocks.ForEach(b => b.Dispose());
    }
}

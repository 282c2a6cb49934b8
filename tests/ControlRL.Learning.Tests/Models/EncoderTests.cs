using ControlRL.Core.Spaces;
using ControlRL.Models.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Learning.Tests.Models;

public class EncoderTests
{
    [Theory]
    [InlineData(64, 64, 4, 1024)]
    [InlineData(96, 96, 3, 4096)]
    public void NatureCnnSizes(int h, int w, int c, int flat)
    {
        torch.manual_seed(1);
        using var cnn = new NatureCnn(h, w, c);
        using var scope = NewDisposeScope();
        Assert.Equal(flat, cnn.FlatSize);
        var y = cnn.forward(randint(0, 256, [2, h, w, c], dtype: ScalarType.Byte));
        Assert.Equal([2L, 512L], y.shape);
    }

    [Theory]
    [InlineData(64, 64, 4, 2048)]
    [InlineData(96, 96, 3, 4608)]
    public void ImpalaCnnSizes(int h, int w, int c, int flat)
    {
        torch.manual_seed(1);
        using var cnn = new ImpalaCnn(h, w, c);
        using var scope = NewDisposeScope();
        Assert.Equal(flat, cnn.FlatSize);
        var y = cnn.forward(randint(0, 256, [2, h, w, c], dtype: ScalarType.Byte));
        Assert.Equal([2L, 256L], y.shape);
    }

    [Theory]
    [InlineData("nature")]
    [InlineData("impala")]
    public void Uint8ImageEqualsFloatImageOver255(string kind)
    {
        torch.manual_seed(2);
        var space = Box.Image(64, 64, 4);
        using var enc = new CompositeEncoder(space, new EncoderOptions { Cnn = kind, FloatImages = true });
        using var scope = NewDisposeScope();
        var pixels = randint(0, 256, [3, 64, 64, 4], dtype: ScalarType.Byte);
        var fromBytes = enc.forward([pixels]);
        var fromFloats = enc.forward([pixels.to_type(ScalarType.Float32) / 255.0]);
        Assert.True(fromBytes.abs().sum().item<float>() > 0);
        Assert.True(allclose(fromBytes, fromFloats, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void DictLeavesConcatenate()
    {
        torch.manual_seed(3);
        var space = new Dict(("camera", Box.Image(64, 64, 3)), ("state", Box.Uniform(7, -1, 1)), ("mode", new Discrete(3)));
        using var enc = new CompositeEncoder(space, new EncoderOptions { VectorHidden = [32] });
        using var scope = NewDisposeScope();
        Assert.Equal(512 + 32 + 3, enc.OutputSize);
        var y = enc.forward([zeros([5, 64, 64, 3], ScalarType.Byte), randn(5, 7), tensor(new[] { 0, 2, 1, 1, 0 }).reshape(5, 1)]);
        Assert.Equal([5L, 547L], y.shape);
        Assert.Equal(1f, y[1, 512 + 32 + 2].item<float>());
    }

    [Fact]
    public void WrongDtypeGivesClearError()
    {
        var space = new Dict(("camera", Box.Image(64, 64, 4)), ("state", Box.Uniform(3, -1, 1)));
        using var enc = new CompositeEncoder(space);
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => enc.forward([zeros(2, 64, 64, 4), zeros(2, 3)]));
        Assert.Equal("observation leaf 'camera': expected uint8 [B,64,64,4], got float32 [B,64,64,4]", ex.Message);
    }

    [Fact]
    public void WrongShapeGivesClearError()
    {
        var space = new Dict(("camera", Box.Image(64, 64, 4)), ("state", Box.Uniform(3, -1, 1)));
        using var enc = new CompositeEncoder(space);
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => enc.forward([zeros([2, 64, 64, 3], ScalarType.Byte), zeros(2, 3)]));
        Assert.Equal("observation leaf 'camera': expected uint8 [B,64,64,4], got uint8 [B,64,64,3]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => enc.forward([zeros([2, 64, 64, 4], ScalarType.Byte), zeros(2, 4)]));
        Assert.Contains("'state': expected float32 [B,3], got float32 [B,4]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => enc.forward([zeros([2, 64, 64, 4], ScalarType.Byte)]));
        Assert.Contains("takes 2 observation leaves", ex.Message);
    }
}

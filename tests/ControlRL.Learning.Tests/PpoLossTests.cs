using ControlRL.Learning.Ppo;
using static TorchSharp.torch;

namespace ControlRL.Learning.Tests;

public class PpoLossTests
{
    [Fact]
    public void ClippedSurrogateTakesThePessimisticTerm()
    {
        using var scope = NewDisposeScope();
        var ratio = tensor(new float[] { 1.5f, 0.5f, 1.0f, 0.7f });
        var adv = tensor(new float[] { 1f, -1f, 2f, 1f });
        // per sample: max(-A r, -A clip(r)) = max(-1.5,-1.2)=-1.2 ; max(0.5,0.8)=0.8 ; max(-2,-2)=-2 ; max(-0.7,-0.8)=-0.7
        float expected = (-1.2f + 0.8f - 2f - 0.7f) / 4f;
        Assert.Equal(expected, PpoTrainer.ClippedPolicyLoss(ratio, adv, 0.2).item<float>(), 5);
    }

    [Fact]
    public void ValueLossClipsAroundTheRolloutValue()
    {
        using var scope = NewDisposeScope();
        var newV = tensor(new float[] { 2.0f, 0.0f });
        var oldV = tensor(new float[] { 1.0f, 0.0f });
        var ret = tensor(new float[] { 3.0f, 1.0f });
        // sample 0: unclipped (2-3)^2 = 1; clipped value 1.2 -> (1.2-3)^2 = 3.24 -> max 3.24; sample 1: 1 and 1.
        Assert.Equal(0.5f * (3.24f + 1f) / 2f, PpoTrainer.ValueLoss(newV, oldV, ret, 0.2).item<float>(), 5);
        Assert.Equal(0.5f * (1f + 1f) / 2f, PpoTrainer.ValueLoss(newV, oldV, ret, null).item<float>(), 5);
    }
}

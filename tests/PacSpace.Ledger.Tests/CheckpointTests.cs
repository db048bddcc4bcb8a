namespace PacSpace.Ledger.Tests;

public sealed class CheckpointTests
{
    private const string Origin = "pacspace.example/log";
    private static readonly byte[] Root = Rfc6962Vectors.Value.RootsBySize[8];

    [Fact]
    public void ToNoteBody_KnownCheckpoint_IsOriginSizeAndBase64RootOnSeparateLines()
    {
        var checkpoint = new Checkpoint(Origin, 8, Root);

        Assert.Equal(
            "pacspace.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
            checkpoint.ToNoteBody());
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(8L)]
    [InlineData(1234567890123L)]
    [InlineData(long.MaxValue)]
    public void TryParse_ToNoteBodyOutput_RoundTrips(long size)
    {
        var checkpoint = new Checkpoint(Origin, size, size == 0 ? MerkleTree.EmptyRoot() : Root);

        Assert.True(Checkpoint.TryParse(checkpoint.ToNoteBody(), out var parsed));
        Assert.Equal(checkpoint, parsed);
        Assert.Equal(checkpoint.ToNoteBody(), parsed!.ToNoteBody());
    }

    [Fact]
    public void TryParse_ThirdPartyStyleBody_ParsesFields()
    {
        const string body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

        Assert.True(Checkpoint.TryParse(body, out var parsed));
        Assert.Equal("example.com/behind-the-sofa", parsed!.Origin);
        Assert.Equal(20852163, parsed.Size);
        Assert.Equal(Convert.FromBase64String("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="), parsed.RootHash);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("pacspace.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=")]
    [InlineData("pacspace.example/log\n8\n")]
    [InlineData("\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("pacspace.example/log\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("pacspace.example/log\n-8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("pacspace.example/log\n+8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("pacspace.example/log\n 8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("pacspace.example/log\n\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("pacspace.example/log\n9223372036854775808\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("pacspace.example/log\n٨\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("pacspace.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy=\n")]
    [InlineData("pacspace.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=\n")]
    [InlineData("pacspace.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\n")]
    [InlineData("pacspace.example/log\n8\nXcnaeacGWamtVZy3Ad7Zoq udgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("pacspace.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQygAAAA\n")]
    [InlineData("pacspace.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\nextension\n")]
    [InlineData("pacspace.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n")]
    [InlineData("pacspace.example/log\r\n8\r\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\r\n")]
    public void TryParse_MalformedBody_ReturnsFalse(string? body)
    {
        Assert.False(Checkpoint.TryParse(body, out var parsed));
        Assert.Null(parsed);
    }

    [Fact]
    public void Equals_SameValuesInDistinctArrays_AreEqualWithSameHashCode()
    {
        var first = new Checkpoint(Origin, 8, (byte[])Root.Clone());
        var second = new Checkpoint(Origin, 8, (byte[])Root.Clone());

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, second with { Size = 7 });
        Assert.NotEqual(first, second with { Origin = "other" });
        Assert.NotEqual(first, second with { RootHash = Rfc6962Vectors.Value.RootsBySize[7] });
    }

    [Fact]
    public void RootHash_CallerMutatesInputOrOutput_CheckpointUnaffected()
    {
        var input = (byte[])Root.Clone();
        var checkpoint = new Checkpoint(Origin, 8, input);

        input[0] ^= 0xff;
        checkpoint.RootHash[1] ^= 0xff;

        Assert.Equal(Root, checkpoint.RootHash);
    }

    [Fact]
    public void ToString_AnyCheckpoint_ShowsRootAsHex()
    {
        var text = new Checkpoint(Origin, 8, Root).ToString();

        Assert.Contains(Hex.Encode(Root), text, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidFields_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Checkpoint("", 8, Root));
        Assert.Throws<ArgumentException>(() => new Checkpoint("two\nlines", 8, Root));
        Assert.Throws<ArgumentNullException>(() => new Checkpoint(null!, 8, Root));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Checkpoint(Origin, -1, Root));
        Assert.Throws<ArgumentException>(() => new Checkpoint(Origin, 8, new byte[31]));
        Assert.Throws<ArgumentNullException>(() => new Checkpoint(Origin, 8, null!));
    }

    [Fact]
    public void With_InvalidField_Throws()
    {
        var checkpoint = new Checkpoint(Origin, 8, Root);

        Assert.Throws<ArgumentException>(() => checkpoint with { Origin = "" });
        Assert.Throws<ArgumentOutOfRangeException>(() => checkpoint with { Size = -5 });
        Assert.Throws<ArgumentException>(() => checkpoint with { RootHash = new byte[33] });
    }

    [Fact]
    public void SignedCheckpoint_SignVerifyParse_YieldsRootThatProvesInclusion()
    {
        using var key = LogSigningKey.Generate();
        var leaves = Rfc6962Vectors.Value.LeafHashes;
        var note = SignedNote.Sign(new Checkpoint(Origin, leaves.Length, MerkleTree.Root(leaves)).ToNoteBody(), Origin, key);

        Assert.True(SignedNote.Verify(note, Origin, key.PublicKey, out var body));
        Assert.True(Checkpoint.TryParse(body, out var checkpoint));
        Assert.True(MerkleTree.VerifyInclusion(
            5, checkpoint!.Size, leaves[5], MerkleTree.InclusionProof(leaves, 5), checkpoint.RootHash));
    }
}

using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Deltas;
using Xunit.Abstractions;

namespace PacSpace.Plane.Tests;

/// <summary>
/// What reading a delta request costs, body read included: the endpoints' reader against the document path it replaced,
/// on the body a metering client typically sends.
/// </summary>
public class DeltaBodyAllocationTests(ITestOutputHelper output)
{
    private const int Parses = 10_000;

    private static readonly byte[] Typical = Encoding.UTF8.GetBytes("""{"customerId":"cust_17","delta":-5,"reason":"api_call","referenceId":"ref-p1-123456"}""");

    [Fact]
    public void Read_TypicalBody_AllocatesLittleBeyondTheDeltaItself()
    {
        var (oldBytes, oldMicros) = Measure(OldPath(Typical));
        var (newBytes, newMicros) = Measure(NewPath(Typical, batch: false));
        var (readerBytes, readerMicros) = Measure(() => Check(NewDelta.Read(Typical).IsSuccess));
        var batch = Encoding.UTF8.GetBytes("{\"deltas\":[" + string.Join(",", Enumerable.Repeat(Encoding.UTF8.GetString(Typical), EmitDeltaBatch.MaxBatchItems)) + "]}");
        var (batchBytes, batchMicros) = Measure(NewPath(batch, batch: true), Parses / 100);

        output.WriteLine($"document path (JsonBody.ReadAsync + field rules): {oldBytes:0} B, {oldMicros:0.0} µs per delta");
        output.WriteLine($"endpoint reader (ReadBytesAsync + EmitDelta.Input.Read): {newBytes:0} B, {newMicros:0.0} µs per delta");
        output.WriteLine($"reader alone (NewDelta.Read on the bytes): {readerBytes:0} B, {readerMicros:0.0} µs per delta");
        output.WriteLine($"batch of {EmitDeltaBatch.MaxBatchItems} (ReadBytesAsync + EmitDeltaBatch.Input.Read): {batchBytes / EmitDeltaBatch.MaxBatchItems:0} B, {batchMicros / EmitDeltaBatch.MaxBatchItems:0.0} µs per delta");

        // The three strings, the delta and the input record come to 240 bytes; reading the body must add next to nothing.
        Assert.True(newBytes <= 400, $"{newBytes:0} bytes allocated per delta");
        Assert.True(batchBytes / EmitDeltaBatch.MaxBatchItems <= 400, $"{batchBytes / EmitDeltaBatch.MaxBatchItems:0} bytes allocated per delta in a batch");
    }

    private static (double Bytes, double Micros) Measure(Action parse, int count = Parses)
    {
        for (var i = 0; i < 1000; i++)
        {
            parse();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            parse();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        return ((GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)count, elapsed.TotalMicroseconds / count);
    }

    private static Action OldPath(byte[] body)
    {
        var stream = new MemoryStream(body);
        var request = Request(body.Length);
        request.Body = stream;
        return () =>
        {
            stream.Position = 0;
            Check(LegacyDeltaBody.ReadDeltaAsync(request).GetAwaiter().GetResult().IsSuccess);
        };
    }

    private static Action NewPath(byte[] body, bool batch)
    {
        var pipe = new OneBody(body);
        var request = Request(body.Length);
        request.HttpContext.Features.Set<IRequestBodyPipeFeature>(pipe);
        return () =>
        {
            pipe.Rewind();
            var read = JsonBody.ReadBytesAsync(request, default).GetAwaiter().GetResult();
            using var bytes = read.Value;
            Check(batch ? EmitDeltaBatch.Input.Read(null, bytes.Span).IsSuccess : EmitDelta.Input.Read(null, bytes.Span).IsSuccess);
        };
    }

    private static HttpRequest Request(long length)
    {
        var request = new DefaultHttpContext().Request;
        request.ContentType = "application/json";
        request.ContentLength = length;
        return request;
    }

    private static void Check(bool accepted)
    {
        if (!accepted)
        {
            throw new InvalidOperationException("the body was refused");
        }
    }

    /// <summary>A request body that can be read again, as the server's pipe hands a body over: all of it, then completed.</summary>
    private sealed class OneBody(byte[] body) : PipeReader, IRequestBodyPipeFeature
    {
        private bool _read;

        public PipeReader Reader => this;

        public void Rewind() => _read = false;

        public override bool TryRead(out ReadResult result)
        {
            result = new ReadResult(_read ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(body), isCanceled: false, isCompleted: true);
            _read = true;
            return true;
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            TryRead(out var result);
            return ValueTask.FromResult(result);
        }

        public override void AdvanceTo(SequencePosition consumed)
        {
        }

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
        }

        public override void CancelPendingRead()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }
}

using System.Diagnostics;
using System.IO;
using System.IO.Pipes;
using System.Threading;
using Outpost.Core.Dispatch;
using Outpost.Tests.Support;

namespace Outpost.Tests.Dispatch
{
    /// <summary>The kill decisions and the never-hang read, reachable without Windows.</summary>
    public class ProcessTreeTests
    {
        /// <summary>A container whose assignment result and terminate outcome the test sets.</summary>
        private sealed class RecordingContainer : IJobContainer
        {
            public bool? Assigned { get; set; }
            public string? AssignError { get; set; }
            public int Terminations { get; private set; }
            public bool Terminate() { Terminations++; return true; }
            public void Dispose() { }
        }

        [Fact]
        public void A_job_object_the_process_never_joined_does_not_count_as_a_kill()
        {
            // TerminateJobObject on an empty job succeeds: that success must not stop the tree kill.
            var failed = new RecordingContainer { Assigned = false, AssignError = "AssignProcessToJobObject failed with Windows error 5" };
            Assert.False(TreeKill.ByContainer(failed));
            Assert.Equal(0, failed.Terminations);
            Assert.False(TreeKill.ByContainer(new RecordingContainer { Assigned = null }));
            Assert.False(TreeKill.ByContainer(null));
            var joined = new RecordingContainer { Assigned = true };
            Assert.True(TreeKill.ByContainer(joined));
            Assert.Equal(1, joined.Terminations);
        }

        /// <summary>What .NET Framework does with a synchronous pipe: the read blocks a thread and ignores the token.</summary>
        private sealed class UncancellableReads : Stream
        {
            private readonly Stream _inner;
            public UncancellableReads(Stream inner) => _inner = inner;
            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                Task.Run(() => _inner.Read(buffer, offset, count));
            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }

        [Fact]
        public async Task A_read_that_ignores_cancellation_is_abandoned_and_the_copy_ends()
        {
            using var folder = new TempFolder();
            // A real pipe whose writer (standing in for an escaped grandchild) stays open and silent.
            using var server = new AnonymousPipeServerStream(PipeDirection.In);
            using var writer = new AnonymousPipeClientStream(PipeDirection.Out, server.ClientSafePipeHandle);
            writer.Write(new byte[] { (byte)'h', (byte)'i' }, 0, 2);
            writer.Flush();
            var capture = new OutputCapture(1024);
            using var stop = new CancellationTokenSource();
            string path = folder.Combine("out");
            Task copy = capture.CopyAsync(new UncancellableReads(server), path, stop.Token);
            await Task.Delay(300);
            Assert.False(copy.IsCompleted);
            stop.Cancel();
            var clock = Stopwatch.StartNew();
            Assert.Same(copy, await Task.WhenAny(copy, Task.Delay(TimeSpan.FromSeconds(10))));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
            Assert.Equal("hi", File.ReadAllText(path));
        }

        [Fact]
        public async Task A_completed_read_is_returned_as_is()
        {
            var source = new MemoryStream(new byte[] { 1, 2, 3 });
            var buffer = new byte[8];
            Assert.Equal(3, await OutputCapture.ReadOrAbandon(source, buffer, CancellationToken.None));
            Assert.Equal(0, await OutputCapture.ReadOrAbandon(source, buffer, CancellationToken.None));
        }
    }
}

using System.Text;
using Outpost.Core.Dispatch;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Core.Transport;
using Outpost.Tests.Support;

namespace Outpost.Tests.Transport
{
    /// <summary>
    /// Issue 19: lane logic on the second implementation of the seam, without a share folder or a
    /// responder process. The dispatcher is the real one (real interpreters, real processes).
    /// </summary>
    public class MemoryShareLaneTests
    {
        private sealed class Lane : IAsyncDisposable
        {
            private readonly CancellationTokenSource _stop = new();
            private readonly LaneWorker _worker;
            private readonly Task _run;
            private readonly TempFolder _scripts = new();

            public Lane(MemoryShareTransport share, ResponderOptions? options = null)
            {
                Share = share;
                share.PrepareLayout(1);
                options ??= new ResponderOptions { SharePath = "memory", PollInterval = TimeSpan.FromMilliseconds(50), HeartbeatInterval = TimeSpan.FromMilliseconds(200) };
                var journal = new ResponderJournal(new EventLog(share), e => Events.Add(e));
                var scanner = new InboxScanner(share) { Refused = (l, n, w) => journal.Refused(l, n, w) };
                var table = InterpreterTable.Discover();
                _worker = new LaneWorker(1, share, () => options, new SubprocessDispatcher(() => table, _scripts.Path), scanner, journal, new ResultPublisher(share));
                _run = Task.Run(() => _worker.RunAsync(_stop.Token, CancellationToken.None));
            }

            public MemoryShareTransport Share { get; }
            public List<ResponderEvent> Events { get; } = new();

            public JobResult WaitResult(string stem)
            {
                var address = ShareAddress.In(ShareArea.Outbox, 1, stem + Wire.ResultExtension);
                RunningResponder.WaitUntil(() => Share.Exists(address), TimeSpan.FromSeconds(30));
                return JobResult.Parse(Share.Read(address, 1 << 20)!);
            }

            public string Output(string stem, string ext) => Encoding.UTF8.GetString(Share.Read(ShareAddress.In(ShareArea.Outbox, 1, stem + ext), 1 << 20)!);

            public async ValueTask DisposeAsync()
            {
                _stop.Cancel();
                await _run.WaitAsync(TimeSpan.FromSeconds(20));
                _worker.Dispose();
                _scripts.Dispose();
            }
        }

        private static string Drop(MemoryShareTransport share, string script, string label = "sh")
        {
            string stem = Stem.Create(DateTime.UtcNow, label).Text;
            share.Write(ShareAddress.In(ShareArea.Inbox, 1, stem + ".sh"), Encoding.UTF8.GetBytes(script));
            return stem;
        }

        [Fact]
        public async Task A_job_runs_publishes_and_is_archived_on_an_in_memory_share()
        {
            using var share = new MemoryShareTransport();
            await using var lane = new Lane(share);
            string stem = Drop(share, "echo out; echo err >&2; exit 3\n");
            var result = lane.WaitResult(stem);
            Assert.Equal(3, result.ExitCode);
            Assert.Equal("out\n", lane.Output(stem, Wire.StdoutExtension));
            Assert.Equal("err\n", lane.Output(stem, Wire.StderrExtension));
            RunningResponder.WaitUntil(() => share.Exists(ShareAddress.In(ShareArea.Log, 1, stem + ".sh")), TimeSpan.FromSeconds(10));
            Assert.False(share.Exists(ShareAddress.In(ShareArea.Inbox, 1, stem + ".sh")));
            Assert.True(share.Exists(ShareAddress.In(ShareArea.Inbox, 1, Wire.StatusFile)), "the lane beats on the share");
        }

        [Fact]
        public async Task Cancel_before_dispatch_and_a_planted_fifo_job_on_an_in_memory_share()
        {
            using var share = new MemoryShareTransport();
            share.PrepareLayout(1);
            string fifo = Stem.Create(DateTime.UtcNow.AddSeconds(-2), "fifo").Text;
            share.Plant(ShareAddress.In(ShareArea.Inbox, 1, fifo + ".sh"), EntryKind.Special);
            string cancelled = Drop(share, "echo never\n", "cancelled");
            share.Write(ShareAddress.In(ShareArea.Cancel, 1, cancelled), Array.Empty<byte>());
            await using var lane = new Lane(share);
            var result = lane.WaitResult(cancelled);
            Assert.Equal(Wire.ExitCancelled, result.ExitCode);
            Assert.Contains(lane.Events, e => e.Kind == ResponderEventKind.Refused && e.Message.Contains("FIFO"));
            Assert.False(share.Exists(ShareAddress.In(ShareArea.Outbox, 1, fifo + Wire.ResultExtension)));
        }

        [Fact]
        public async Task An_interrupted_job_is_reported_not_rerun_on_an_in_memory_share()
        {
            using var share = new MemoryShareTransport();
            share.PrepareLayout(1);
            string stem = Drop(share, "echo again\n");
            share.Write(ShareAddress.In(ShareArea.Inbox, 1, stem + ".sh.running"), Encoding.UTF8.GetBytes("attempt=1\n"));
            await using var lane = new Lane(share);
            var result = lane.WaitResult(stem);
            Assert.Equal(Wire.ExitDispatchError, result.ExitCode);
            Assert.Contains("interrupted", lane.Output(stem, Wire.StderrExtension));
        }
    }
}

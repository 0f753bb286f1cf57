using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Client;
using Outpost.Core.Responding;

namespace Outpost.Tests.Support
{
    /// <summary>A real responder on a real temp share, running in this process until disposed.</summary>
    public sealed class RunningResponder : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly CancellationTokenSource _interrupt = new();
        private readonly TempFolder? _ownFolder;

        /// <param name="prepare">Sets the responder's test seams before it runs.</param>
        public RunningResponder(Action<ResponderOptions>? configure = null, string? sharePath = null, Action<Responder>? prepare = null)
        {
            if (sharePath == null) _ownFolder = new TempFolder();
            SharePath = sharePath ?? _ownFolder!.Combine("share");
            Options = new ResponderOptions
            {
                SharePath = SharePath,
                PollInterval = TimeSpan.FromMilliseconds(100),
                HeartbeatInterval = TimeSpan.FromMilliseconds(500),
                Name = "test-responder",
            };
            configure?.Invoke(Options);
            Responder = new Responder(Options, e => Events.Enqueue(e));
            prepare?.Invoke(Responder);
            Run = Task.Run(() => Responder.RunAsync(_stop.Token, _interrupt.Token));
            Target = new OutpostTarget(SharePath, "test");
            WaitUntil(() => Events.Any(e => e.Kind == ResponderEventKind.Started) || Run.IsCompleted, TimeSpan.FromSeconds(10));
        }

        public string SharePath { get; }
        public ResponderOptions Options { get; }
        public Responder Responder { get; }
        public Task<ResponderStopReason> Run { get; }
        public OutpostTarget Target { get; }
        public ConcurrentQueue<ResponderEvent> Events { get; } = new();

        public OutpostJob Submit(string script, string ext = "sh", Action<JobSubmission>? configure = null)
        {
            HostRequirements.RequireInterpreterFor(ext);
            var submission = JobSubmission.FromText(script, ext);
            configure?.Invoke(submission);
            return Target.Submit(submission);
        }

        public OutpostJob RunJob(string script, string ext = "sh", Action<JobSubmission>? configure = null) =>
            Target.Wait(Submit(script, ext, configure), TimeSpan.FromSeconds(60));

        public string Stdout(OutpostJob job) => System.Text.Encoding.UTF8.GetString(Target.ReadOutput(job, OutputStreamKind.Stdout));
        public string Stderr(OutpostJob job) => System.Text.Encoding.UTF8.GetString(Target.ReadOutput(job, OutputStreamKind.Stderr));

        public async Task<ResponderStopReason> StopAsync()
        {
            _stop.Cancel();
            return await Run.WaitAsync(TimeSpan.FromSeconds(60));
        }

        public static void WaitUntil(Func<bool> condition, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition())
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within " + timeout);
                Thread.Sleep(20);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _interrupt.Cancel();
            _stop.Cancel();
            try { await Run.WaitAsync(TimeSpan.FromSeconds(30)); }
            catch (Exception) { }
            _ownFolder?.Dispose();
        }
    }
}

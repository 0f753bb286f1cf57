using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell
{
    /// <summary>
    /// Waits for many jobs at once from the pipeline thread: emits each as its result lands, shows one
    /// progress bar per job (queue position, lane state, elapsed) and reports the ones that time out.
    /// </summary>
    internal sealed class JobWaiting
    {
        private readonly Action<object> _write;
        private readonly Action<OutpostException> _fail;
        private readonly Action<ProgressRecord> _progress;

        public JobWaiting(Action<object> write, Action<OutpostException> fail, Action<ProgressRecord> progress)
        {
            _write = write;
            _fail = fail;
            _progress = progress;
        }

        public void Run(IList<(OutpostTarget Target, OutpostJob Job)> jobs, TimeSpan? timeout, System.Threading.CancellationToken stopping)
        {
            var latest = new ConcurrentDictionary<int, WaitProgress>();
            var pending = jobs.Select((j, i) => (Index: i, j.Job,
                Task: j.Target.WaitAsync(j.Job, timeout, stopping, p => latest[i] = p))).ToList();
            var shown = new HashSet<int>();
            while (pending.Count > 0)
            {
                int done = Task.WaitAny(pending.Select(p => (Task)p.Task).ToArray(), 250);
                if (stopping.IsCancellationRequested) break;
                if (done >= 0)
                {
                    var finished = pending[done];
                    pending.RemoveAt(done);
                    Complete(finished.Index, shown);
                    if (finished.Task.IsFaulted && finished.Task.Exception!.GetBaseException() is OutpostException e) _fail(e);
                    else if (finished.Task.IsFaulted) throw finished.Task.Exception!.GetBaseException();
                    else if (!finished.Task.IsCanceled) _write(finished.Task.Result);
                    continue;
                }
                foreach (var item in pending)
                {
                    if (!latest.TryGetValue(item.Index, out var p)) continue;
                    shown.Add(item.Index);
                    string where = p.QueuePosition switch
                    {
                        0 => "leaving the inbox",
                        1 => p.LaneState == Core.Protocol.LaneState.Busy ? "running" : "next in its lane",
                        var n => $"queued at position {n}",
                    };
                    string alive = p.ResponderAlive ? $"lane {p.Job.Lane} {p.LaneState.ToString().ToLowerInvariant()}" : "no live responder";
                    _progress(new ProgressRecord(ActivityId(item.Index), $"Waiting for {p.Job.Stem} on {p.Job.Target}",
                        $"{where}; {alive}; {p.Elapsed.TotalSeconds:0} s elapsed"));
                }
            }
            foreach (var item in pending) Complete(item.Index, shown);
        }

        private void Complete(int index, HashSet<int> shown)
        {
            if (!shown.Remove(index)) return;
            _progress(new ProgressRecord(ActivityId(index), "Waiting", "done") { RecordType = ProgressRecordType.Completed });
        }

        private static int ActivityId(int index) => 0x0757 + index;
    }
}

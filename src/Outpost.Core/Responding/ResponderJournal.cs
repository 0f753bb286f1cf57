using System;
using System.Collections.Generic;
using Outpost.Core.Dispatch;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// Records what the responder does twice over: as v1 lines in outpost.log (for people and v1 tools)
    /// and as <see cref="ResponderEvent"/> objects (for PowerShell jobs and tests).
    /// </summary>
    internal sealed class ResponderJournal
    {
        private readonly EventLog _log;
        private readonly Action<ResponderEvent>? _sink;

        public ResponderJournal(EventLog log, Action<ResponderEvent>? sink)
        {
            _log = log;
            _sink = sink;
        }

        public void Started(string cwd, int lanes, string name, int pid)
        {
            _log.Write("INFO", null, null, "responder started", Fields(("cwd", cwd), ("lanes", lanes.ToString()), ("name", name), ("pid", pid.ToString())));
            Emit(ResponderEventKind.Started, null, null, $"responder started: {lanes} lane(s), name {name}, pid {pid}");
        }

        public void JobStarted(int lane, string stem)
        {
            _log.Write("INFO", lane, stem, "job started");
            Emit(ResponderEventKind.JobStarted, lane, stem, "job started");
        }

        public void JobFinished(int lane, string stem, JobResult result, DispatchOutcome outcome)
        {
            _log.Write("INFO", lane, stem, "job finished", Fields(
                ("cancelled", Flag(result.Cancelled)),
                ("duration", GoDuration.Format(outcome.Finished - outcome.Started)),
                ("exit", result.ExitCode.ToString()),
                ("stderr_b", result.StderrBytes.ToString()),
                ("stdout_b", result.StdoutBytes.ToString()),
                ("timeout", Flag(result.TimedOut)),
                ("truncated", Flag(result.StdoutTruncated || result.StderrTruncated))));
            Emit(ResponderEventKind.JobFinished, lane, stem, $"job finished: exit {result.ExitCode}", result);
        }

        public void JobCancelledBeforeDispatch(int lane, string stem, JobResult result)
        {
            _log.Write("INFO", lane, stem, "job cancelled before dispatch");
            Emit(ResponderEventKind.JobCancelledBeforeDispatch, lane, stem, "job cancelled before dispatch", result);
        }

        public void JobInterrupted(int lane, string stem, JobResult result)
        {
            _log.Write("WARN", lane, stem, "job was running when the responder stopped; reported interrupted, not re-run");
            Emit(ResponderEventKind.JobInterrupted, lane, stem, "job interrupted by a responder stop; not re-run", result);
        }

        public void Refused(int? lane, string item, string why)
        {
            string shown = EventLog.EscapeName(item);
            _log.Write("WARN", lane, null, "refused " + shown + ": " + why);
            Emit(ResponderEventKind.Refused, lane, null, "refused " + shown + ": " + why);
        }

        public void Info(string message, params (string Key, string Value)[] fields)
        {
            _log.Write("INFO", null, null, message, Fields(fields));
            Emit(ResponderEventKind.Info, null, null, message);
        }

        public void Stopping(string reason)
        {
            _log.Write("INFO", null, null, reason + "; initiating shutdown");
            Emit(ResponderEventKind.Stopping, null, null, reason);
        }

        public void Stopped(int exitCode, string why)
        {
            _log.Write("INFO", null, null, "responder stopped", Fields(("exit", exitCode.ToString()), ("reason", why)));
            Emit(ResponderEventKind.Stopped, null, null, $"responder stopped ({why}), exit {exitCode}");
        }

        public void Warning(int? lane, string? stem, string message)
        {
            _log.Write("WARN", lane, stem, message);
            Emit(ResponderEventKind.Warning, lane, stem, message);
        }

        public void Error(int? lane, string? stem, string message)
        {
            _log.Write("ERROR", lane, stem, message);
            Emit(ResponderEventKind.Error, lane, stem, message);
        }

        private void Emit(ResponderEventKind kind, int? lane, string? stem, string message, JobResult? result = null)
        {
            if (_sink is null) return;
            try
            {
                _sink(new ResponderEvent { Kind = kind, Lane = lane, Stem = stem, Message = message, Result = result });
            }
            catch (Exception)
            {
                // A consumer's failure must not stop the responder.
            }
        }

        private static string Flag(bool value) => value ? "1" : "0";

        private static List<KeyValuePair<string, string>> Fields(params (string Key, string Value)[] fields)
        {
            var list = new List<KeyValuePair<string, string>>();
            foreach (var (key, value) in fields) list.Add(new KeyValuePair<string, string>(key, value));
            return list;
        }
    }
}

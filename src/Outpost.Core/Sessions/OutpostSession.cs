using System;
using Outpost.Core.Client;

namespace Outpost.Core.Sessions
{
    public enum OutpostSessionState { Opened, Broken, Closed }

    /// <summary>
    /// A session as the submitter holds it, like a PSSession: commands sent with it run in one worker
    /// on the target, where their state persists. <see cref="Stateless"/> means the target's responder
    /// does not serve sessions (a v1 peer): commands still run, each in a fresh process.
    /// </summary>
    public sealed class OutpostSession
    {
        internal OutpostSession(int id, string instanceId, string name, OutpostTarget target, int lane, int idleTimeoutSec, bool stateless)
        {
            Id = id;
            InstanceId = instanceId;
            Name = name;
            TargetInfo = target;
            Lane = lane;
            IdleTimeoutSec = idleTimeoutSec;
            Stateless = stateless;
            Created = DateTime.Now;
        }

        /// <summary>Small number for this PowerShell process, as Get-PSSession shows.</summary>
        public int Id { get; }
        /// <summary>The id on the wire (the session header).</summary>
        public string InstanceId { get; }
        public string Name { get; }
        public string Target => TargetInfo.Name;
        public string Path => TargetInfo.Path;
        public int Lane { get; }
        public OutpostSessionState State { get; internal set; } = OutpostSessionState.Opened;
        public int IdleTimeoutSec { get; }
        public bool Stateless { get; }
        public DateTime Created { get; }
        /// <summary>Why the session is broken or closed; empty while it is open.</summary>
        public string Reason { get; internal set; } = "";
        /// <summary>Whether the stateless warning was already given for this session.</summary>
        public bool StatelessWarned { get; set; }

        public OutpostTarget TargetInfo { get; }

        /// <summary>The session's worker is gone (or will be): every later command is refused here with the reason.</summary>
        public void MarkBroken(string reason)
        {
            if (State != OutpostSessionState.Opened) return;
            State = OutpostSessionState.Broken;
            Reason = reason;
        }

        public override string ToString() => $"{Name} ({Target}, {State})";
    }
}

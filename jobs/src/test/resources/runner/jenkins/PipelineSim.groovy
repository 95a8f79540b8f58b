// A small stand-in for Jenkins' declarative pipeline runtime, used by JenkinsfileTest (Jenkins core and a
// declarative-capable JenkinsPipelineUnit are not available). It records the pipeline's structure, then "runs" it
// for given parameters and cause: evaluates each stage's `when`, records `input` gates, executes steps. `sh` steps
// that run kubechores are executed by the real /bin/sh with a fake `java` on PATH that records its arguments.

class Node {
    String name
    List args = []
    Closure body
    List<Node> children = []

    Node child(String n) { children.find { it.name == n } }
    List<Node> all(String n) { children.findAll { it.name == n } }
    String toString() { "$name$args" }
}

/** Delegate while recording structure: every call becomes a Node; bodies of structural blocks are recorded too. */
class Recorder {
    static final Set<String> STRUCTURE = ['pipeline', 'options', 'parameters', 'triggers', 'stages', 'stage', 'when',
                                          'allOf', 'anyOf', 'not', 'input', 'post'] as Set
    Node node

    def methodMissing(String name, Object argsObj) {
        Object[] a = argsObj as Object[]
        Node child = new Node(name: name, args: a.findAll { !(it instanceof Closure) }, body: a.find { it instanceof Closure })
        node.children << child
        if (child.body != null && name in STRUCTURE) {
            Closure c = (Closure) child.body.clone()
            c.delegate = new Recorder(node: child)
            c.resolveStrategy = Closure.DELEGATE_FIRST
            c.call()
        }
        return child
    }

    def propertyMissing(String name) {
        if (name == 'any' || name == 'none') return name
        throw new MissingPropertyException(name, Recorder)
    }
}

/** Base class of the Jenkinsfile script: `pipeline` records, pipeline steps act on the current simulation. */
abstract class JenkinsScript extends Script {
    Node pipelineNode
    Sim sim

    def pipeline(Closure body) {
        pipelineNode = new Node(name: 'pipeline')
        Closure c = (Closure) body.clone()
        c.delegate = new Recorder(node: pipelineNode)
        c.resolveStrategy = Closure.DELEGATE_FIRST
        c.call()
        return pipelineNode
    }

    def call(Closure body) {
        Closure c = (Closure) body.clone()
        c.delegate = this
        c.resolveStrategy = Closure.DELEGATE_FIRST
        return c.call()
    }

    def script(Closure body) { call(body) }

    def withEnv(List<String> vars, Closure body) {
        Map<String, String> saved = new LinkedHashMap<>(sim.extraEnv)
        vars.each { String v -> int i = v.indexOf('='); sim.extraEnv[v.substring(0, i)] = v.substring(i + 1) }
        try { return call(body) } finally { sim.extraEnv.clear(); sim.extraEnv.putAll(saved) }
    }

    def sh(Object arg) {
        Map m = arg instanceof Map ? (Map) arg : [script: arg.toString()]
        return sim.sh(m)
    }

    def echo(Object msg) { sim.log << "echo ${msg}".toString() }
    def junit(Map m) { sim.log << 'junit' }
    def archiveArtifacts(Map m) { sim.log << 'archive' }
    def unstable(String msg) { sim.currentBuild.currentResult = 'UNSTABLE'; sim.log << "unstable: $msg".toString() }
    def error(String msg) { sim.currentBuild.currentResult = 'FAILURE'; throw new IllegalStateException(msg) }
}

/** One simulated build. */
class Sim {
    Map params
    String cause                       // 'user' or 'timer'
    Map env = [:]
    Map currentBuild = [currentResult: 'SUCCESS']
    Map<String, String> extraEnv = [:]
    int javaExit = 0
    File workDir
    List<String> log = []
    List<String> javaCalls = []

    /** Runs the recorded pipeline; returns the log (run/skip/input per stage, steps). */
    List<String> run(JenkinsScript script) {
        script.sim = this
        script.binding.setVariable('params', params)
        script.binding.setVariable('env', env)
        script.binding.setVariable('currentBuild', currentBuild)
        for (Node stage : script.pipelineNode.child('stages').all('stage')) {
            String name = stage.args[0]
            Node when = stage.child('when')
            if (currentBuild.currentResult == 'FAILURE' || (when != null && !all(script, when.children))) {
                log << "skip ${name}".toString()
                continue
            }
            Node input = stage.child('input')
            if (input != null) log << "input ${input.child('message').args[0]} (submitter ${input.child('submitter')?.args?.getAt(0)})".toString()
            log << "run ${name}".toString()
            try {
                script.call(stage.child('steps').body)
            } catch (IllegalStateException e) {
                log << "error: ${e.message}".toString()
            }
        }
        return log
    }

    boolean all(JenkinsScript script, List<Node> conditions) {
        conditions.every { cond(script, it) }
    }

    boolean cond(JenkinsScript script, Node n) {
        switch (n.name) {
            case 'expression': return script.call(n.body) as boolean
            case 'allOf': return all(script, n.children)
            case 'anyOf': return n.children.any { cond(script, it) }
            case 'not': return !cond(script, n.children[0])
            case 'triggeredBy': return n.args[0] == (cause == 'timer' ? 'ParameterizedTimerTriggerCause' : 'UserIdCause')
            case 'beforeInput': return true
            case 'branch': return env.BRANCH_NAME == n.args[0]
            default: throw new IllegalArgumentException("unsupported when condition ${n.name}")
        }
    }

    Object sh(Map m) {
        String text = m.script
        if (!text.contains('kubechores.jar')) {
            log << "sh ${text.trim()}".toString()
            return m.returnStatus ? 0 : null
        }
        File bin = new File(workDir, 'bin')
        bin.mkdirs()
        File calls = new File(workDir, 'java-calls.txt')
        calls.delete()
        File fakeJava = new File(bin, 'java')
        fakeJava.text = "#!/bin/sh\nfor a in \"\$@\"; do printf '%s\\n' \"\$a\"; done > '${calls.absolutePath}'\nexit ${javaExit}\n"
        fakeJava.setExecutable(true)
        ProcessBuilder pb = new ProcessBuilder('/bin/sh', '-c', text).directory(workDir).redirectErrorStream(true)
        Map<String, String> e = pb.environment()
        e.clear()
        e['PATH'] = bin.absolutePath + ':/usr/bin:/bin'
        params.each { k, v -> e[k.toString()] = v.toString() }
        env.each { k, v -> e[k.toString()] = v.toString() }
        e.putAll(extraEnv)
        Process p = pb.start()
        String out = p.inputStream.text
        int status = p.waitFor()
        List<String> args = calls.exists() ? calls.readLines() : []
        // drop "-jar jobs/target/kubechores.jar"
        javaCalls << args.drop(2).join(' ')
        log << "kubechores ${args.drop(2).join(' ')} -> ${status}".toString()
        if (status != 0 && !m.returnStatus) throw new IllegalStateException("sh failed: ${out}")
        return m.returnStatus ? status : out
    }
}

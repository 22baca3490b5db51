# The output is the same, in the same order, whatever the number of
# threads, for small files and for files large enough to be split.
. "$LF_TOP/tests/cli/lib.sh"

mkdir -p tree/a tree/b
i=0
for size in 0 1 100 5000 262144 262145 1000000 9000000 17000000; do
	head -c $size /dev/urandom >tree/a/f$i
	cp tree/a/f$i tree/b/copy$i
	i=$((i + 1))
done
for n in $(seq 1 300); do printf '%s\n' $n >tree/b/n$n; done

all=md5,sha1,sha256,sha512,ssdeep,tlsh
run 0 lf-hash -j 1 --json -c $all -r tree
cp out one.jsonl
for j in 2 3 8; do
	run 0 lf-hash -j $j --json -c $all -r tree
	same one.jsonl out
	run 0 lf-hash -j $j -r tree
	cp out table.$j
done
same table.2 table.8
# The split path agrees with sha256sum on the large files.
run 0 lf-hash -j 4 -c sha256 tree/a/f7 tree/a/f8
sha256sum tree/a/f7 tree/a/f8 >want
same want out

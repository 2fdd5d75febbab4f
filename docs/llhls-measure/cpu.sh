#!/bin/bash
# mux-only CPU of each packager on the same pre-encoded 60 s 2-rung ladder (-c copy, as fast as possible)
cd /tmp/llm
F="-movflags +cmaf+frag_keyframe+empty_moov+default_base_moof+frag_discont"
for rep in 1 2 3; do
rm -rf c; mkdir -p c/hi c/lo
/usr/bin/time -f "ts %U %S" ffmpeg -hide_banner -loglevel error -i src.mkv -map 0 -c copy -f hls -hls_time 1 -hls_list_size 0 -hls_playlist_type event -hls_flags independent_segments+program_date_time+temp_file+omit_endlist -hls_segment_type mpegts -hls_segment_filename 'c/%v/seg_%06d.ts' -master_pl_name master.m3u8 -var_stream_map 'v:0,a:0,name:hi v:1,a:1,name:lo' 'c/%v/index.m3u8'
rm -rf c; mkdir -p c
O="movflags=+cmaf+frag_keyframe+empty_moov+default_base_moof+frag_discont:frag_duration=200000:flush_packets=1"
/usr/bin/time -f "cmaf-segment %U %S" ffmpeg -hide_banner -loglevel error -i src.mkv -map 0:0 -map 0:1 -c copy -f segment -segment_time 1 -segment_format mp4 -segment_format_options "$O" -reset_timestamps 0 -segment_list c/hi.csv -segment_list_type csv c/hi_%06d.m4s -map 0:2 -map 0:3 -c copy -f segment -segment_time 1 -segment_format mp4 -segment_format_options "$O" -reset_timestamps 0 -segment_list c/lo.csv -segment_list_type csv c/lo_%06d.m4s
rm -rf c; mkdir -p c
/usr/bin/time -f "dash %U %S" ffmpeg -hide_banner -loglevel error -i src.mkv -map 0 -c copy -f dash -seg_duration 1 -frag_type duration -frag_duration 0.2 -streaming 1 -ldash 1 -use_template 1 -use_timeline 0 -hls_playlist 1 -adaptation_sets 'id=0,streams=v id=1,streams=a' c/manifest.mpd
done
